package archfixtures.modulith.beta;

import archfixtures.modulith.alpha.internal.AlphaSecret;

/** Breaks ApplicationModules.verify(): module "beta" reaches into module "alpha"'s internal package. */
public class BetaService {

    public String peek() {
        return new AlphaSecret().value();
    }
}
