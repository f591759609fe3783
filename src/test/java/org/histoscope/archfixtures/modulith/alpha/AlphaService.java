package org.histoscope.archfixtures.modulith.alpha;

import org.histoscope.archfixtures.modulith.alpha.internal.AlphaSecret;

/** Module "alpha"'s API. */
public class AlphaService {

    public String answer() {
        return new AlphaSecret().value();
    }
}
