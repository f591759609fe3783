package org.histoscope.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.histoscope.security.PasswordPolicy;
import org.histoscope.users.internal.FirstAdministrator;
import org.junit.jupiter.api.Test;

class GeneratedAdminPasswordTest {

    @Test
    void generatedFirstAdminPasswordsMeetThePolicyAndDoNotRepeat() {
        PasswordPolicy policy = new PasswordPolicy();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String password = FirstAdministrator.randomPassword();
            assertThat(policy.violations(FirstAdministrator.USERNAME, password)).isEmpty();
            assertThat(password).matches("[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}");
            seen.add(password);
        }
        assertThat(seen).hasSize(200);
    }
}
