package archfixtures.modulith.alpha;

import archfixtures.modulith.alpha.internal.AlphaSecret;

/** Module "alpha"'s API. */
public class AlphaService {

    public String answer() {
        return new AlphaSecret().value();
    }
}
