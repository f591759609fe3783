package archfixtures;

import org.springframework.stereotype.Component;

/** Breaks everyPublicServiceOrComponentMethodIsGuarded: a component whose public method has no rule. */
@Component
public class UnguardedComponent {

    public String secrets() {
        return "everything";
    }
}
