package archfixtures;

import jakarta.annotation.security.RolesAllowed;
import org.springframework.stereotype.Service;

/** Breaks everyPublicServiceOrComponentMethodIsGuarded: one method of a service guarded, the other forgotten. */
@Service
public class UnguardedService {

    @RolesAllowed("ADMIN")
    public void guarded() {
    }

    public void forgotten() {
    }
}
