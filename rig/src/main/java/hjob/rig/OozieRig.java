package hjob.rig;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.Servlet;
import org.apache.hadoop.conf.Configuration;
import org.apache.oozie.service.Services;
import org.apache.oozie.servlet.AuthFilter;
import org.apache.oozie.servlet.CallbackServlet;
import org.apache.oozie.servlet.ErrorServlet;
import org.apache.oozie.servlet.HostnameFilter;
import org.apache.oozie.servlet.HttpResponseHeaderFilter;
import org.apache.oozie.servlet.SLAServlet;
import org.apache.oozie.servlet.V0AdminServlet;
import org.apache.oozie.servlet.V0JobServlet;
import org.apache.oozie.servlet.V0JobsServlet;
import org.apache.oozie.servlet.V1AdminServlet;
import org.apache.oozie.servlet.V1JobServlet;
import org.apache.oozie.servlet.V1JobsServlet;
import org.apache.oozie.servlet.V2AdminServlet;
import org.apache.oozie.servlet.V2JobServlet;
import org.apache.oozie.servlet.V2SLAServlet;
import org.apache.oozie.servlet.V2ValidateServlet;
import org.apache.oozie.servlet.VersionServlet;
import org.apache.oozie.util.ClasspathUtils;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * Real Apache Oozie 5.2.1 in the rig's JVM: its services ({@code new Services().init()}, an
 * in-memory HSQLDB whose schema Oozie creates at start) and its real REST servlets and filters,
 * mounted in an embedded Jetty on 127.0.0.1 under {@code /oozie} the way Oozie's own server
 * ({@code org.apache.oozie.server.ServletMapper} and {@code FilterMapper}) maps them.
 *
 * <p>Launchers run on the rig's MiniYARNCluster and inherit this JVM's class path (what Oozie's
 * own test harness does: {@code ClasspathUtils.setUsingMiniYarnCluster(true)}, no ShareLibService),
 * so no sharelib is uploaded. Spark, Hive, Pig, Sqoop and Scalding runtimes are absent.
 */
final class OozieRig {
  private OozieRig() {}

  /** Starts Oozie; answers its URL, e.g. http://127.0.0.1:PORT/oozie. */
  static final String SHARELIB = "/user/oozie/share/lib";

  static String start(Path dir, Configuration hadoopConf) throws Exception {
    Path home = dir.resolve("oozie");
    Path conf = home.resolve("conf");
    Path data = home.resolve("data");
    Path logs = home.resolve("logs");
    Files.createDirectories(conf.resolve("hadoop-conf"));
    Files.createDirectories(conf.resolve("action-conf"));
    Files.createDirectories(data);
    Files.createDirectories(logs);

    int port = Rig.freePort();
    String baseUrl = "http://127.0.0.1:" + port + "/oozie";

    // Launcher containers get this JVM's class path (what Oozie's own tests
    // do), so the launchers find Hadoop's jars.
    ClasspathUtils.setUsingMiniYarnCluster(true);

    // The cluster Oozie submits to: the rig's own post-start configuration.
    try (OutputStream out = new FileOutputStream(conf.resolve("hadoop-conf/core-site.xml").toFile())) {
      hadoopConf.writeXml(out);
    }

    Configuration defaults = new Configuration(false);
    defaults.addResource("oozie-default.xml");
    Configuration site = new Configuration(false);
    // ShareLibService stays (production Oozie has it; with
    // oozie.use.system.libpath=true an action without it fails with a
    // NullPointerException): it ships the launcher jar from this class path
    // to an otherwise empty sharelib, which is all a shell or java action
    // needs. Spark, Hive, Pig and Sqoop have no sharelib here.
    site.set("oozie.service.WorkflowAppService.system.libpath", SHARELIB);
    site.set("oozie.action.ship.launcher.jar", "true");
    site.set("oozie.http.hostname", "127.0.0.1");
    site.set("oozie.http.port", Integer.toString(port));
    site.set("oozie.base.url", baseUrl);
    site.set("oozie.service.JPAService.jdbc.driver", "org.hsqldb.jdbcDriver");
    site.set("oozie.service.JPAService.jdbc.url", "jdbc:hsqldb:mem:oozie-db;create=true");
    site.set("oozie.service.JPAService.jdbc.username", "sa");
    site.set("oozie.service.JPAService.jdbc.password", "");
    site.set("oozie.service.JPAService.create.db.schema", "true");
    site.set("oozie.service.HadoopAccessorService.supported.filesystems", "*");
    // Oozie's own proxy-user rules (hosts and groups): rigsvc may act for
    // anyone; rigsvc2, allowed on HDFS, is refused here.
    site.set("oozie.service.ProxyUserService.proxyuser.rigsvc.hosts", "*");
    site.set("oozie.service.ProxyUserService.proxyuser.rigsvc.groups", "*");
    // What an Oozie 5 installation sets so that workflow 1.0 actions may
    // leave out <name-node> and <resource-manager>.
    site.set("oozie.actions.default.name-node", hadoopConf.get("fs.defaultFS"));
    site.set("oozie.actions.default.job-tracker", hadoopConf.get("yarn.resourcemanager.address"));
    // Small launchers, and a short worst case when a callback is missed.
    site.set("oozie.launcher.default.memory.mb", "256");
    site.set("oozie.launcher.default.max.attempts", "1");
    site.set("oozie.service.ActionCheckerService.action.check.delay", "5");
    site.set("oozie.service.ActionCheckerService.action.check.interval", "5");
    site.set("oozie.service.StatusTransitService.statusTransit.interval", "5");
    site.set("oozie.service.CallableQueueService.queue.awaitTermination.timeout.seconds", "1");
    try (OutputStream out = new FileOutputStream(conf.resolve("oozie-site.xml").toFile())) {
      site.writeXml(out);
    }
    Files.writeString(conf.resolve("oozie-log4j.properties"), LOG4J, StandardCharsets.UTF_8);

    System.setProperty("oozie.home.dir", home.toString());
    System.setProperty("oozie.config.dir", conf.toString());
    System.setProperty("oozie.data.dir", data.toString());
    System.setProperty("oozie.log.dir", logs.toString());
    System.setProperty("oozie.instance.id", "rig");

    new Services().init();

    Server server = new Server(new InetSocketAddress("127.0.0.1", port));
    server.setHandler(context(null));
    server.setStopAtShutdown(false);
    server.start();

    // The same Oozie behind its own Kerberos authentication, on a second
    // port, when rig/run.sh started a KDC (HJOB_RIG_HTTP_KEYTAB set).
    String keytab = System.getenv("HJOB_RIG_HTTP_KEYTAB");
    if (keytab != null && !keytab.isEmpty()) {
      int kport = Rig.freePort();
      Server kerberos = new Server(new InetSocketAddress("127.0.0.1", kport));
      kerberos.setHandler(context(new String[] {System.getenv("HJOB_RIG_HTTP_PRINCIPAL"), keytab}));
      kerberos.setStopAtShutdown(false);
      kerberos.start();
      kerberosUrl = "http://localhost:" + kport + "/oozie";
    }

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.stop();
                  } catch (Exception e) {
                    // stopping anyway
                  }
                  Services services1 = Services.get();
                  if (services1 != null) {
                    services1.destroy();
                  }
                }));
    return baseUrl;
  }

  /** The Kerberos port's URL, when it runs. */
  static String kerberosUrl;

  /**
   * Oozie's filters and servlets in a context, as org.apache.oozie.server.FilterMapper and
   * ServletMapper (Oozie 5.2.1) map them; with {@code kerberos} = {principal, keytab}, Oozie's
   * AuthFilter authenticates with Kerberos ({@link KerberosOozie}).
   */
  private static ServletContextHandler context(String[] kerberos) {
    ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    ctx.setContextPath("/oozie");
    // Filters and servlets as org.apache.oozie.server.FilterMapper and
    // ServletMapper (Oozie 5.2.1) map them.
    filter(ctx, new HostnameFilter(), "/*");
    filter(ctx, new HttpResponseHeaderFilter(), "/*");
    String[] specs = {"/versions/*", "/v0/*", "/v1/*", "/v2/*", "/admin/*", "/error/*"};
    if (kerberos == null) {
      FilterHolder auth = new FilterHolder(new AuthFilter());
      for (String spec : specs) {
        ctx.addFilter(auth, spec, EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE));
      }
    } else {
      KerberosOozie.addFilters(ctx, kerberos[0], kerberos[1], specs);
    }
    servlet(ctx, new VersionServlet(), "/versions");
    servlet(ctx, new V0AdminServlet(), "/v0/admin/*");
    servlet(ctx, new V1AdminServlet(), "/v1/admin/*");
    servlet(ctx, new V2AdminServlet(), "/v2/admin/*");
    servlet(ctx, new CallbackServlet(), "/callback/*");
    servlet(ctx, new V0JobsServlet(), "/v0/jobs");
    // v1 and v2 jobs are one servlet in Oozie.
    ServletHolder jobs = new ServletHolder("V1JobsServlet", new V1JobsServlet());
    ctx.addServlet(jobs, "/v1/jobs");
    ctx.getServletHandler().addServletWithMapping(jobs, "/v2/jobs");
    servlet(ctx, new V0JobServlet(), "/v0/job/*");
    servlet(ctx, new V1JobServlet(), "/v1/job/*");
    servlet(ctx, new V2JobServlet(), "/v2/job/*");
    servlet(ctx, new SLAServlet(), "/v1/sla/*");
    servlet(ctx, new V2SLAServlet(), "/v2/sla/*");
    servlet(ctx, new V2ValidateServlet(), "/v2/validate/*");
    servlet(ctx, new ErrorServlet(), "/error/*");
    // Error pages as org.apache.oozie.server.EmbeddedOozieServer maps them:
    // Oozie's ErrorServlet answers JSON {"httpStatusCode":…,"errorMessage":…}.
    ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
    for (int status : new int[] {400, 401, 403, 404, 405, 409, 500, 501, 503}) {
      errors.addErrorPage(status, "/error");
    }
    errors.addErrorPage("java.lang.Throwable", "/error");
    ctx.setErrorHandler(errors);
    return ctx;
  }

  private static void filter(ServletContextHandler ctx, Filter f, String spec) {
    ctx.addFilter(
        new FilterHolder(f),
        spec,
        EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE));
  }

  private static void servlet(ServletContextHandler ctx, Servlet s, String spec) {
    ctx.addServlet(new ServletHolder(s.getClass().getSimpleName(), s), spec);
  }

  /**
   * Oozie's distribution log4j shape: the 'oozie' appender is what turns on log streaming
   * (show=log); Hadoop's own logging goes to the rig's stderr at WARN.
   */
  private static final String LOG4J =
      String.join(
          "\n",
          "log4j.appender.oozie=org.apache.log4j.rolling.RollingFileAppender",
          "log4j.appender.oozie.RollingPolicy=org.apache.oozie.util.OozieRollingPolicy",
          "log4j.appender.oozie.File=${oozie.log.dir}/oozie.log",
          "log4j.appender.oozie.Append=true",
          "log4j.appender.oozie.layout=org.apache.log4j.PatternLayout",
          "log4j.appender.oozie.layout.ConversionPattern=%d{ISO8601} %5p %c{1}:%L - SERVER[${oozie.instance.id}] %m%n",
          "log4j.appender.oozie.RollingPolicy.FileNamePattern=${log4j.appender.oozie.File}-%d{yyyy-MM-dd-HH}",
          "log4j.appender.oozie.RollingPolicy.MaxHistory=720",
          "log4j.appender.stderr=org.apache.log4j.ConsoleAppender",
          "log4j.appender.stderr.Target=System.err",
          "log4j.appender.stderr.layout=org.apache.log4j.PatternLayout",
          "log4j.appender.stderr.layout.ConversionPattern=%d{ISO8601} %p %c{2}: %m%n",
          "log4j.rootLogger=WARN, stderr",
          "log4j.logger.org.apache.oozie=INFO, oozie",
          "log4j.additivity.org.apache.oozie=false",
          "");
}
