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
        assertThat(policy.violations("anna", "Contract-Test-Password-2026")).as("a context word among own ones").isEmpty();
        assertThat(policy.violations("anna", "Zürich histologie ünd Gewebeschnitte ".repeat(3) + "Ende")).isEmpty();
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

    /** Issue #24: these passed the policy; each is among an attacker's first guesses against this application. */
    @Test
    void rejectsContextWordsWithOnlyDigitsAndSeparatorsLeft() {
        assertThat(policy.violations("anna", "histoscope-2026")).singleElement().asString().contains("of its own");
        assertThat(policy.violations("anna", "Password-2026")).singleElement().asString().contains("of its own");
        assertThat(policy.violations("anna", "P@ssw0rd-2026!")).isNotEmpty();
        assertThat(policy.violations("anna", "HistoScope_Password_26")).isNotEmpty();
        assertThat(policy.violations("dr.annabelle", "annabelle-2026-04")).singleElement().asString()
                .contains("user name");
        assertThat(policy.violations("dr.annabelle", "Annabelle reads slides at dawn")).isEmpty();
    }

    @Test
    void rejectsShortPatternsRepeated() {
        assertThat(policy.violations("anna", "p2p2p2p2p2p2")).singleElement().asString().contains("repeats");
        assertThat(policy.violations("anna", "ab".repeat(64))).isNotEmpty();
        assertThat(policy.violations("anna", "x".repeat(64) + "y")).isNotEmpty();
        assertThat(policy.violations("anna", "abc-abc-abc-abc")).isNotEmpty();
        assertThat(policy.violations("anna", "1212-3434-1212-3434")).isNotEmpty();
    }
}
