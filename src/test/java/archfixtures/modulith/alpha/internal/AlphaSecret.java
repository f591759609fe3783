package archfixtures.modulith.alpha.internal;

/** Internal to module "alpha": no other module may use it. */
public class AlphaSecret {

    public String value() {
        return "42";
    }
}
