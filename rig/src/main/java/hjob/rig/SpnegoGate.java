package hjob.rig;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.hadoop.security.authentication.server.AuthenticationFilter;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * Hadoop's own SPNEGO authentication in front of a backend, for hjob's auth tests: hadoop-auth's
 * {@link AuthenticationFilter} with the {@code kerberos} handler (what Oozie's AuthFilter extends
 * and the Hadoop HTTP servers use; it sets the {@code hadoop.auth} cookie) on Jetty, then a plain
 * reverse proxy to a backend origin (hjob-sandbox's Oozie or NameNode).
 *
 * <p>Like the Apache proxy of the tests it asserts the identity to the simple-auth backend (the
 * client's {@code user.name} is replaced by the authenticated short name, or by the {@code
 * doAs}/{@code doas} user when the proxy-user rules allow it; refused otherwise), drops {@code
 * Authorization}, sends {@code X-Remote-User}, rewrites a {@code Location} at the backend to
 * itself and leaves other redirects (the DataNode) alone. It appends one tab-separated line per
 * request to the access log, in the Apache proxy's format, with flags for the credentials a
 * request carried, never their values.
 *
 * <p>Usage: {@code SpnegoGate PORT BACKEND_ORIGIN KEYTAB PRINCIPAL ACCESS_LOG [PROXY_RULES]}, with
 * {@code -Djava.security.krb5.conf=...}; PRINCIPAL may be {@code *} (every HTTP/ principal of the
 * keytab); PROXY_RULES like {@code svc=alice,bob;other=*}. Serves on 127.0.0.1 until killed.
 */
public final class SpnegoGate {
  private SpnegoGate() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println("usage: SpnegoGate PORT BACKEND_ORIGIN KEYTAB PRINCIPAL ACCESS_LOG [RULES]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String backend = args[1].replaceAll("/+$", "");
    Path log = Path.of(args[4]);
    Map<String, Set<String>> rules = parseRules(args.length > 5 ? args[5] : "");

    Server server = new Server(new InetSocketAddress("127.0.0.1", port));
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.setContextPath("/");
    context.addFilter(
        new FilterHolder(new LogFilter(log)), "/*", EnumSet.of(DispatcherType.REQUEST));
    FilterHolder auth = new FilterHolder(new AuthenticationFilter());
    auth.setInitParameter("type", "kerberos");
    auth.setInitParameter("kerberos.principal", args[3]);
    auth.setInitParameter("kerberos.keytab", args[2]);
    auth.setInitParameter("kerberos.name.rules", "DEFAULT");
    auth.setInitParameter("token.validity", "36000");
    auth.setInitParameter("cookie.path", "/");
    context.addFilter(auth, "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Forward(backend, port, rules)), "/*");
    server.setHandler(context);
    server.start();
    server.join();
  }

  private static Map<String, Set<String>> parseRules(String text) {
    Map<String, Set<String>> rules = new HashMap<>();
    for (String rule : text.split(";")) {
      int eq = rule.indexOf('=');
      if (eq > 0) {
        rules.put(rule.substring(0, eq), new HashSet<>(List.of(rule.substring(eq + 1).split(","))));
      }
    }
    return rules;
  }

  /** Logs each request after it was answered (before the connection completes it). */
  private static final class LogFilter implements Filter {
    private final Path log;

    LogFilter(Path log) {
      this.log = log;
    }

    @Override
    public void init(FilterConfig config) {}

    @Override
    public void destroy() {}

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest req = (HttpServletRequest) request;
      HttpServletResponse res = (HttpServletResponse) response;
      String authorization = req.getHeader("Authorization");
      String cookie = req.getHeader("Cookie");
      try {
        chain.doFilter(request, response);
      } finally {
        String line =
            String.join(
                "\t",
                "gate",
                req.getMethod(),
                clean(req.getRequestURI()),
                req.getAttribute("hjob.forwarded") != null
                    ? attribute(req, "hjob.forwarded")
                    : req.getQueryString() == null ? "" : "?" + clean(req.getQueryString()),
                Integer.toString(res.getStatus()),
                attribute(req, "hjob.user"),
                attribute(req, "hjob.principal"),
                authorization != null && authorization.startsWith("Negotiate ") ? "1" : "-",
                authorization != null && authorization.startsWith("Basic ") ? "1" : "-",
                cookie != null && cookie.contains("hadoop.auth=") ? "1" : "-",
                res.getHeader("Location") == null ? "-" : clean(res.getHeader("Location")),
                attribute(req, "hjob.effective"),
                attribute(req, "hjob.doas"),
                req.getAttribute("hjob.denied") != null ? "1" : "-",
                req.getAttribute("hjob.user") == null
                    ? "-"
                    : "?" + (req.getQueryString() == null ? "" : clean(req.getQueryString())));
        synchronized (LogFilter.class) {
          try (Writer w =
              Files.newBufferedWriter(
                  log,
                  StandardCharsets.UTF_8,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.APPEND)) {
            w.write(line + "\n");
          }
        }
      }
    }

    private static String attribute(HttpServletRequest req, String name) {
      Object value = req.getAttribute(name);
      return value == null ? "-" : clean(value.toString());
    }

    private static String clean(String s) {
      return s.replaceAll("[\\t\\r\\n]", " ");
    }
  }

  /** The reverse proxy, behind the authentication filter. */
  private static final class Forward extends HttpServlet {
    private static final Set<String> SKIP_REQUEST =
        Set.of(
            "authorization", "cookie", "host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "te", "trailer", "x-remote-user");
    private static final Set<String> SKIP_RESPONSE =
        Set.of("connection", "transfer-encoding", "keep-alive", "content-length", "date", "server");

    private final String backend;
    private final int port;
    private final Map<String, Set<String>> rules;
    private final HttpClient client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    Forward(String backend, int port, Map<String, Set<String>> rules) {
      this.backend = backend;
      this.port = port;
      this.rules = rules;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      String user = req.getRemoteUser();
      Principal principal = req.getUserPrincipal();
      req.setAttribute("hjob.user", user);
      if (principal != null) {
        req.setAttribute("hjob.principal", principal.getName());
      }
      List<String> kept = new ArrayList<>();
      String doAs = null;
      String query = req.getQueryString();
      if (query != null) {
        for (String part : query.split("&")) {
          String name = part.contains("=") ? part.substring(0, part.indexOf('=')) : part;
          if (name.equalsIgnoreCase("doas")) {
            doAs = URLDecoder.decode(part.substring(name.length()).replaceFirst("^=", ""),
                StandardCharsets.UTF_8);
          } else if (!name.equalsIgnoreCase("user.name") && !part.isEmpty()) {
            kept.add(part);
          }
        }
      }
      String effective = user;
      if (doAs != null && !doAs.isEmpty()) {
        req.setAttribute("hjob.doas", doAs);
        Set<String> allowed = rules.get(user);
        if (!doAs.equals(user)
            && (allowed == null || !(allowed.contains(doAs) || allowed.contains("*")))) {
          req.setAttribute("hjob.denied", "1");
          deny(req, res, user, doAs);
          return;
        }
        effective = doAs;
      }
      req.setAttribute("hjob.effective", effective);
      kept.add("user.name=" + URLEncoder.encode(effective, StandardCharsets.UTF_8));

      String forwarded = String.join("&", kept);
      req.setAttribute("hjob.forwarded", "?" + forwarded);
      URI target = URI.create(backend + req.getRequestURI() + "?" + forwarded);
      HttpRequest.Builder forward = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60));
      for (String name : java.util.Collections.list(req.getHeaderNames())) {
        if (!SKIP_REQUEST.contains(name.toLowerCase())) {
          for (String value : java.util.Collections.list(req.getHeaders(name))) {
            forward.header(name, value);
          }
        }
      }
      forward.header("X-Remote-User", user);
      long length = req.getContentLengthLong();
      boolean chunked = "chunked".equalsIgnoreCase(req.getHeader("Transfer-Encoding"));
      InputStream in = req.getInputStream();
      HttpRequest.BodyPublisher body =
          length > 0
              ? HttpRequest.BodyPublishers.fromPublisher(
                  HttpRequest.BodyPublishers.ofInputStream(() -> in), length)
              : chunked
                  ? HttpRequest.BodyPublishers.ofInputStream(() -> in)
                  : HttpRequest.BodyPublishers.noBody();
      forward.method(req.getMethod(), body);
      HttpResponse<InputStream> answer;
      try {
        answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        res.sendError(502, "interrupted");
        return;
      } catch (IOException e) {
        res.sendError(502, "backend: " + e.getMessage());
        return;
      }
      res.setStatus(answer.statusCode());
      for (Map.Entry<String, List<String>> h : answer.headers().map().entrySet()) {
        String name = h.getKey();
        if (name.startsWith(":") || SKIP_RESPONSE.contains(name.toLowerCase())) {
          continue;
        }
        for (String value : h.getValue()) {
          if (name.equalsIgnoreCase("location") && value.startsWith(backend)) {
            value = "http://" + req.getServerName() + ":" + port + value.substring(backend.length());
          }
          res.addHeader(name, value);
        }
      }
      answer.headers().firstValue("content-length").ifPresent(
          v -> res.setContentLengthLong(Long.parseLong(v)));
      try (InputStream from = answer.body(); OutputStream to = res.getOutputStream()) {
        from.transferTo(to);
      }
    }

    private static void deny(HttpServletRequest req, HttpServletResponse res, String user,
        String doAs) throws IOException {
      boolean oozie = req.getRequestURI().startsWith("/oozie");
      String message;
      if (oozie) {
        message = "User [" + user + "] not defined as proxyuser";
        res.setStatus(401);
        res.setHeader("oozie-error-code", "E1400");
        res.setHeader("oozie-error-message", message);
        res.setContentType("application/json;charset=UTF-8");
        res.getWriter().write("{\"httpStatusCode\":401,\"errorMessage\":\"" + message + "\"}");
      } else {
        message = "User: " + user + " is not allowed to impersonate " + doAs;
        res.setStatus(403);
        res.setContentType("application/json");
        res.getWriter()
            .write(
                "{\"RemoteException\":{\"exception\":\"AuthorizationException\","
                    + "\"javaClassName\":\"org.apache.hadoop.security.authorize.AuthorizationException\","
                    + "\"message\":\""
                    + message
                    + "\"}}");
      }
    }
  }
}
