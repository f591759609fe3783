package org.histoscope.users.ui;

import com.vaadin.flow.component.select.Select;
import java.util.Arrays;
import java.util.Optional;
import org.histoscope.users.UserLanguage;

/**
 * The language of an account's screens: the browser's, or one of {@link UserLanguage}. Each language is named in
 * itself ("Deutsch"), so a user who landed in the wrong one still finds theirs.
 */
class LanguageSelect extends Select<Optional<UserLanguage>> {

    LanguageSelect() {
        setLabel(getTranslation("account.language.label"));
        setItems(java.util.stream.Stream.concat(java.util.stream.Stream.of(Optional.<UserLanguage>empty()),
                Arrays.stream(UserLanguage.values()).map(Optional::of)).toList());
        setItemLabelGenerator(choice -> choice.map(l -> getTranslation("language." + l.name().toLowerCase()))
                .orElseGet(() -> getTranslation("language.browser")));
        setValue(Optional.empty());
    }

    void setChoice(UserLanguage language) {
        setValue(Optional.ofNullable(language));
    }

    /** null: the browser's language. */
    UserLanguage choice() {
        return getValue() == null ? null : getValue().orElse(null);
    }
}
