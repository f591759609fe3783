package org.histoscope.users.internal;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * LDAP / Active Directory sign-in (docs/integration.md). The server, base DN and service account are Spring Boot's
 * {@code spring.ldap.urls}, {@code spring.ldap.base}, {@code spring.ldap.username}, {@code spring.ldap.password}.
 *
 * @param enabled              off by default: only local accounts sign in
 * @param userSearchBase       where people are searched, relative to {@code spring.ldap.base}
 * @param userSearchFilter     finds the person by the typed name ({0}); an account the filter does not find cannot
 *                             sign in or sign, so the filter is also where "disabled in the directory" is said, e.g.
 *                             AD's {@code (&(sAMAccountName={0})(!(userAccountControl:1.2.840.113556.1.4.803:=2)))}
 * @param groupSearchBase      where groups are searched, relative to {@code spring.ldap.base}
 * @param groupSearchFilter    a group of the person: {0} is the person's DN, {1} the typed name
 * @param groupNameAttribute   the group attribute that {@code groupRoles} names
 * @param displayNameAttribute the person's printed name (on signatures and reports)
 * @param emailAttribute       the person's e-mail
 * @param groupRoles           group name → Histoscope roles (PATHOLOGIST, REVIEWER, ADMIN); unlisted groups give none,
 *                             and a person with no role is refused
 */
@ConfigurationProperties("histoscope.security.ldap")
public record LdapSignInProperties(boolean enabled,
                                   @DefaultValue("") String userSearchBase,
                                   @DefaultValue("(uid={0})") String userSearchFilter,
                                   @DefaultValue("") String groupSearchBase,
                                   @DefaultValue("(member={0})") String groupSearchFilter,
                                   @DefaultValue("cn") String groupNameAttribute,
                                   @DefaultValue("displayName") String displayNameAttribute,
                                   @DefaultValue("mail") String emailAttribute,
                                   Map<String, List<String>> groupRoles) {
}
