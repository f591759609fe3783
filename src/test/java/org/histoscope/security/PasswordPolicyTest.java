package org.histoscope.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordPolicyTest {

    private final PasswordPolicy policy = new PasswordPolicy();

    @Test
    void acceptsLongPassphrasesOfAnyCharactersWithoutCompositionRules() {
        assertThat(policy.violations("anna", "purple elephants dance slowly")).isEmpty();
        assertThat(policy.violations("anna", "alllowercaseletters")).isEmpty();
        assertThat(policy.violations("anna", "Ünïcödé pässwörd ✓ 日本語")).isEmpty();
        assertThat(policy.violations("anna", "x".repeat(64) + "y")).isEmpty();
        assertThat(policy.violations("anna", "ab".repeat(64))).isEmpty();
    }

    @Test
    void rejectsShortPasswordsWithTheCount() {
        assertThat(policy.violations("anna", "Short-Pass1")).singleElement().asString()
                .contains("at least 12").contains("has 11");
        assertThat(policy.violations("anna", "")).containsExactly("Enter a password.");
    }

    @Test
    void countsCharactersNotUtf16Units() {
        // 11 emoji are 22 UTF-16 units but still only 11 characters
        assertThat(policy.violations("anna", "😀".repeat(11))).singleElement().asString().contains("has 11");
    }

    @Test
    void rejectsOverlongPasswords() {
        assertThat(policy.violations("anna", "a".repeat(129))).singleElement().asString().contains("at most 128");
    }

    @Test
    void rejectsCommonPasswordsIgnoringCase() {
        assertThat(policy.commonPasswordCount()).isGreaterThan(5000);
        assertThat(policy.violations("anna", "Password1234")).singleElement().asString().contains("commonly used");
        assertThat(policy.violations("anna", "QWERTYUIOP123")).isNotEmpty();
        assertThat(policy.violations("anna", "iloveyou2024!")).isNotEmpty();
        assertThat(policy.violations("anna", "1q2w3e4r5t6y")).isNotEmpty();
    }

    @Test
    void rejectsTheUserName() {
        assertThat(policy.violations("pathologist.jones", "Pathologist.Jones")).singleElement().asString()
                .contains("user name");
    }
}
