package org.histoscope.platform.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.histoscope.platform.RequestClient;

/**
 * Binds every request's client address to {@link RequestClient} before any other filter runs (Spring Security's
 * login and throttle included), and unbinds it after. The address is {@code getRemoteAddr()}: Tomcat's RemoteIpValve
 * has already replaced it by the forwarded client's only when the peer is a configured trusted proxy.
 */
public class RequestClientFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try (RequestClient.Binding ignored = RequestClient.bind(request.getRemoteAddr())) {
            chain.doFilter(request, response);
        }
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        FilterRegistrationBean<RequestClientFilter> requestClientFilter() {
            FilterRegistrationBean<RequestClientFilter> registration =
                    new FilterRegistrationBean<>(new RequestClientFilter());
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            registration.addUrlPatterns("/*");
            return registration;
        }
    }
}
