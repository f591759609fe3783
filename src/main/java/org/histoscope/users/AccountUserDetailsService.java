package org.histoscope.users;

import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.histoscope.users.internal.UserAccount;
import org.histoscope.users.internal.UserAccountRepository;

/**
 * Accounts for Spring Security's form login. A locked account is reported as locked, so the provider refuses it
 * before checking the password (LockedException) and the login page can say so. Directory accounts are not found
 * here: they sign in through their directory only (an OpenID Connect account's local password is for signatures).
 */
@Service
@PermitAll // the login itself: nobody is signed in yet
class AccountUserDetailsService implements UserDetailsService {

    private final UserAccountRepository accounts;
    private final Clock clock;

    AccountUserDetailsService(UserAccountRepository accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    @Override
    @Transactional(readOnly = true)
    public UserDetails loadUserByUsername(String username) {
        UserAccount account = accounts.findByUsernameIgnoreCase(username == null ? "" : username.trim())
                .filter(a -> a.getSource() == AccountSource.LOCAL)
                .orElseThrow(() -> new UsernameNotFoundException("No such local user"));
        return User.withUsername(account.getUsername())
                .password(account.getPasswordHash())
                .roles(account.getRoles().toArray(String[]::new))
                .disabled(!account.isEnabled())
                .accountLocked(account.isLockedAt(clock.instant()))
                .build();
    }
}
