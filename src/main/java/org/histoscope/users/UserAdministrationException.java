package org.histoscope.users;

/** A user-management request was refused; the message is meant for the person who made it. */
public class UserAdministrationException extends RuntimeException {

    public UserAdministrationException(String message) {
        super(message);
    }
}
