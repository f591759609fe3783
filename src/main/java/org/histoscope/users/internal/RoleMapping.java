package org.histoscope.users.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.histoscope.users.UserAccountService;

/**
 * Directory groups (LDAP) or claim values (OIDC) to Histoscope roles, as configured. Group names compare without
 * regard to case (directories differ); a group that is not configured gives no role.
 */
final class RoleMapping {

    private final Map<String, Set<String>> rolesByGroup = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    RoleMapping(Map<String, ? extends Collection<String>> configured, String property) {
        if (configured != null) {
            configured.forEach((group, roles) -> {
                Set<String> normalised = new TreeSet<>();
                for (String role : roles) {
                    String upper = role.strip().toUpperCase(Locale.ROOT);
                    if (!UserAccountService.ALL_ROLES.contains(upper)) {
                        throw new IllegalArgumentException(property + ": unknown role '" + role + "' for group '"
                                + group + "' (use PATHOLOGIST, REVIEWER or ADMIN)");
                    }
                    normalised.add(upper);
                }
                rolesByGroup.computeIfAbsent(group.strip(), g -> new TreeSet<>()).addAll(normalised);
            });
        }
        if (rolesByGroup.isEmpty()) {
            throw new IllegalArgumentException(property + " maps no group to a role: nobody could sign in");
        }
    }

    Set<String> rolesOf(Collection<String> groups) {
        Set<String> roles = new TreeSet<>();
        for (String group : groups) {
            Set<String> mapped = rolesByGroup.get(group.strip());
            if (mapped != null) {
                roles.addAll(mapped);
            }
        }
        return roles;
    }
}
