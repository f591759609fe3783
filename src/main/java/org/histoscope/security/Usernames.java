package org.histoscope.security;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one normal form of a typed user name, used by sign-in, the login throttle, account look-ups and session
 * look-ups alike, so that two spellings never reach one account under two names. NFKC folds compatibility forms
 * (full-width letters, the long s, the Kelvin sign) into their plain letters; lower-casing in {@link Locale#ROOT}
 * then folds case. Characters that have no plain form stay as they are: the dotless {@code ı} of {@code admın}
 * remains {@code ı}, so that name is simply unknown (account names are ASCII letters, digits, '.', '_' and '-'),
 * rather than matching {@code admin} through the database's locale-dependent {@code upper()}.
 */
public final class Usernames {

    private Usernames() {
    }

    public static String normalise(String typed) {
        if (typed == null) {
            return "";
        }
        return Normalizer.normalize(typed.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
