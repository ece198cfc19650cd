package hjob.rig;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import org.apache.oozie.servlet.AuthFilter;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;

/**
 * The rig's Oozie behind Oozie's own Kerberos authentication: Oozie's {@link AuthFilter} (Hadoop's
 * AuthenticationFilter with the KerberosAuthenticationHandler, which sets the {@code hadoop.auth}
 * cookie) on a second port, in front of the same servlets and services. The only change from an
 * Oozie with {@code oozie.authentication.type=kerberos} is where the filter reads those three
 * settings from, so that the rig's first port keeps pseudo authentication for every other test.
 *
 * <p>A counting filter in front records how many requests carried {@code Authorization:
 * Negotiate} and how many the {@code hadoop.auth} cookie, for the control endpoint.
 */
final class KerberosOozie {
  private KerberosOozie() {}

  static final AtomicInteger NEGOTIATE = new AtomicInteger();
  static final AtomicInteger COOKIE = new AtomicInteger();
  static final AtomicInteger REQUESTS = new AtomicInteger();

  /** Oozie's AuthFilter, told {@code type=kerberos}, the HTTP principal and its keytab. */
  public static final class KerberosAuthFilter extends AuthFilter {
    private final String principal;
    private final String keytab;

    KerberosAuthFilter(String principal, String keytab) {
      this.principal = principal;
      this.keytab = keytab;
    }

    @Override
    protected Properties getConfiguration(String prefix, FilterConfig config) {
      Properties props = super.getConfiguration(prefix, config);
      props.setProperty("type", "kerberos");
      props.setProperty("kerberos.principal", principal);
      props.setProperty("kerberos.keytab", keytab);
      props.setProperty("kerberos.name.rules", "DEFAULT");
      return props;
    }
  }

  /** Counts what each request carried, before authentication. */
  static final class Counting implements Filter {
    @Override
    public void init(FilterConfig config) {}

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest http = (HttpServletRequest) req;
      REQUESTS.incrementAndGet();
      String authorization = http.getHeader("Authorization");
      if (authorization != null && authorization.startsWith("Negotiate ")) {
        NEGOTIATE.incrementAndGet();
      }
      String cookie = http.getHeader("Cookie");
      if (cookie != null && cookie.contains("hadoop.auth=")) {
        COOKIE.incrementAndGet();
      }
      chain.doFilter(req, res);
    }

    @Override
    public void destroy() {}
  }

  /** The filters of the Kerberos port: counting, then Oozie's own authentication. */
  static void addFilters(ServletContextHandler ctx, String principal, String keytab, String[] specs) {
    EnumSet<DispatcherType> types =
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE);
    ctx.addFilter(new FilterHolder(new Counting()), "/*", EnumSet.of(DispatcherType.REQUEST));
    FilterHolder auth = new FilterHolder(new KerberosAuthFilter(principal, keytab));
    for (String spec : specs) {
      ctx.addFilter(auth, spec, types);
    }
  }

  /** The counters as JSON. */
  static String countsJson() {
    return "{\"requests\":" + REQUESTS.get() + ",\"negotiate\":" + NEGOTIATE.get()
        + ",\"cookie\":" + COOKIE.get() + "}";
  }
}
