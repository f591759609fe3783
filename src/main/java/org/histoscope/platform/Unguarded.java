package org.histoscope.platform;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The explicit opening of a {@code @Component} (or one of its methods) that carries no role rule, with the reason:
 * framework callbacks (lifecycle, listeners, filters, job executors) and helpers that the guarded services call.
 * Unlike {@code @PermitAll} it adds no method-security proxy, so it changes nothing at run time; it exists so that
 * ArchitectureTest#everyPublicServiceOrComponentMethodIsGuarded can tell a decision from an oversight.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Unguarded {

    /** Why no role rule applies here, written for the next developer. */
    String value();
}
