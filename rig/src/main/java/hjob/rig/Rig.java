package hjob.rig;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.SafeModeAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationSubmissionContext;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.api.YarnClientApplication;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * Real Apache Hadoop on loopback for hjob's tests: a MiniDFSCluster (NameNode and one DataNode,
 * WebHDFS on both) and a MiniYARNCluster (ResourceManager and one NodeManager), in this one JVM.
 *
 * <p>A small control server (JDK HttpServer, loopback only) lets tests do what an operator would
 * do with the Hadoop command line: enter and leave safe mode, and run a shell command as a real
 * YARN container (the application's AM container; it prints, ends, and its logs stay on the
 * NodeManager).
 *
 * <p>Usage: {@code Rig DIR USER}. Run from DIR (MiniYARNCluster writes under ./target). When every
 * server has answered a probe, writes DIR/hadoop.env (KEY=VALUE lines) atomically, then serves
 * until SIGTERM.
 */
public final class Rig {
  private Rig() {}

  public static void main(String[] args) {
    try {
      start(args);
    } catch (Throwable e) {
      // Hadoop's non-daemon threads would keep a half-started rig alive.
      e.printStackTrace();
      System.err.println("rig: failed to start: " + e);
      System.exit(1);
    }
  }

  private static void start(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: Rig DIR USER");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    String user = args[1];

    // Loopback only: MiniYARNCluster binds to the host name's address.
    InetAddress local = InetAddress.getLocalHost();
    if (!local.isLoopbackAddress()) {
      System.err.println(
          "rig: the host name '" + local.getHostName() + "' resolves to " + local.getHostAddress()
              + ", not to loopback; add '127.0.0.1 " + local.getHostName() + "' to /etc/hosts");
      System.exit(2);
    }

    String me = System.getProperty("user.name");
    Configuration conf = new HdfsConfiguration();
    conf.set("hadoop.proxyuser." + me + ".hosts", "*");
    conf.set("hadoop.proxyuser." + me + ".groups", "*");
    // Proxy users for hjob's --do-as tests: rigsvc may act for the rig's
    // user everywhere; rigsvc2 only on HDFS (Oozie refuses it); anyone else
    // is refused by both.
    conf.set("hadoop.proxyuser.rigsvc.hosts", "*");
    conf.set("hadoop.proxyuser.rigsvc.users", user);
    conf.set("hadoop.proxyuser.rigsvc2.hosts", "*");
    conf.set("hadoop.proxyuser.rigsvc2.users", user);
    conf.setBoolean("dfs.webhdfs.enabled", true);
    conf.setBoolean("dfs.permissions.enabled", true);
    // A nearly full CI disk must not put the NameNode into safe mode by itself.
    conf.setLong("dfs.namenode.resource.du.reserved", 0L);
    conf.setInt("dfs.replication", 1);

    File dfsDir = dir.resolve("dfs").toFile();
    MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf, dfsDir).numDataNodes(1).build();
    dfs.waitActive();

    DistributedFileSystem fs = dfs.getFileSystem();
    mkdir(fs, "/tmp", "1777", null);
    mkdir(fs, "/user", "755", null);
    mkdir(fs, "/user/" + user, "755", user);
    mkdir(fs, OozieRig.SHARELIB, "755", null);

    YarnConfiguration yconf = new YarnConfiguration(conf);
    yconf.set("fs.defaultFS", dfs.getURI().toString());
    yconf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", 4096);
    yconf.setInt("yarn.scheduler.minimum-allocation-mb", 128);
    yconf.set("yarn.scheduler.capacity.maximum-am-resource-percent", "0.8");
    yconf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.5");
    yconf.setBoolean("yarn.acl.enable", false);
    yconf.setBoolean("yarn.log-aggregation-enable", false);
    // Fixed (free) ResourceManager ports: with ephemeral ones the RM builds
    // its applications' tracking URLs (Oozie's action consoleUrl, hjob's log
    // link) before it binds, as http://HOST:0/proxy/...
    yconf.setBoolean("yarn.minicluster.fixed.ports", true);
    String host = MiniYARNCluster.getHostname();
    for (String key :
        new String[] {
          YarnConfiguration.RM_ADDRESS,
          YarnConfiguration.RM_ADMIN_ADDRESS,
          YarnConfiguration.RM_SCHEDULER_ADDRESS,
          YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
          YarnConfiguration.RM_WEBAPP_ADDRESS
        }) {
      yconf.set(key, host + ":" + freePort());
    }
    MiniYARNCluster yarn = new MiniYARNCluster("hjob-rig", 1, 1, 1);
    yarn.init(yconf);
    yarn.start();
    Configuration yarnConf = yarn.getConfig();

    YarnClient yarnClient = YarnClient.createYarnClient();
    yarnClient.init(yarnConf);
    yarnClient.start();

    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  quietly(yarnClient::stop);
                  quietly(yarn::stop);
                  quietly(dfs::shutdown);
                }));

    HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    control.createContext("/safemode/enter", x -> safeMode(x, fs, SafeModeAction.ENTER));
    control.createContext("/safemode/leave", x -> safeMode(x, fs, SafeModeAction.LEAVE));
    control.createContext("/apps", x -> runShellApp(x, yarnClient));
    control.createContext("/kerberos-oozie/counts", x -> reply(x, 200, KerberosOozie.countsJson()));
    control.start();

    String nnHttp = "http://127.0.0.1:" + dfs.getNameNode().getHttpAddress().getPort();
    String dnHttp = "http://127.0.0.1:" + dfs.getDataNodes().get(0).getInfoPort();
    String yarnUrl = "http://" + yarnConf.get(YarnConfiguration.RM_WEBAPP_ADDRESS);
    // The NodeManager's configured web address keeps its ":0"; the context
    // knows the port it bound.
    String nmUrl =
        "http://" + MiniYARNCluster.getHostname() + ":"
            + yarn.getNodeManager(0).getNMContext().getHttpPort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("webhdfs_url", nnHttp + "/webhdfs/v1");
    env.put("namenode_http", nnHttp);
    env.put("datanode_http", dnHttp);
    env.put("name_node", dfs.getURI().toString());
    env.put("job_tracker", yarnConf.get(YarnConfiguration.RM_ADDRESS));
    env.put("yarn_url", yarnUrl);
    env.put("nodemanager_url", nmUrl);
    env.put("control_url", "http://127.0.0.1:" + control.getAddress().getPort());
    env.put("user", user);
    env.put("superuser", me);

    // Every server answers before anyone is told the rig is up.
    probe(nnHttp + "/webhdfs/v1/?op=GETFILESTATUS&user.name=" + user);
    probe(nnHttp + "/jmx?qry=Hadoop:service=NameNode,name=NameNodeStatus");
    probe(dnHttp + "/jmx?qry=Hadoop:service=DataNode,name=DataNodeInfo");
    probe(yarnUrl + "/ws/v1/cluster/info");
    probe(nmUrl + "/ws/v1/node/info");

    // Real Apache Oozie 5.2.1 on the same cluster, in this JVM.
    String oozieUrl = OozieRig.start(dir, yarnConf);
    env.put("oozie_url", oozieUrl);
    probe(oozieUrl + "/v2/admin/build-version");
    if (OozieRig.kerberosUrl != null) {
      env.put("kerberos_oozie_url", OozieRig.kerberosUrl);
    }

    StringBuilder out = new StringBuilder();
    env.forEach((k, v) -> out.append(k).append('=').append(v).append('\n'));
    Path tmp = dir.resolve("hadoop.env.tmp");
    Files.writeString(tmp, out.toString(), StandardCharsets.UTF_8);
    Files.move(tmp, dir.resolve("hadoop.env"), StandardCopyOption.ATOMIC_MOVE);
    System.out.println("rig: ready");
    System.out.flush();
    stop.await();
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    }
  }

  private static void mkdir(FileSystem fs, String path, String mode, String owner)
      throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    fs.mkdirs(p);
    fs.setPermission(p, new FsPermission(mode));
    if (owner != null) {
      fs.setOwner(p, owner, null);
    }
  }

  /** POST /safemode/enter or /safemode/leave: answers {"safemode": true|false}. */
  private static void safeMode(HttpExchange x, DistributedFileSystem fs, SafeModeAction action)
      throws IOException {
    try {
      fs.setSafeMode(action);
      reply(x, 200, "{\"safemode\": " + fs.isInSafeMode() + "}");
    } catch (Exception e) {
      reply(x, 500, "{\"error\": " + quote(String.valueOf(e)) + "}");
    }
  }

  /**
   * POST /apps with a shell script as the body: runs it as the AM container of a new YARN
   * application (one attempt). The script's stdout and stderr are the container's log files.
   * The script never registers as an AM, so once it ends the application ends FAILED; its logs
   * stay on the NodeManager. Answers {"application_id": "..."}.
   */
  private static void runShellApp(HttpExchange x, YarnClient client) throws IOException {
    try (InputStream in = x.getRequestBody()) {
      String script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String b64 = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
      // Base64 needs no shell quoting; the NodeManager writes this line into
      // launch_container.sh.
      String command =
          "echo " + b64 + " | base64 -d > script.sh && exec /bin/bash script.sh"
              + " 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr";
      YarnClientApplication app = client.createApplication();
      ApplicationSubmissionContext ctx = app.getApplicationSubmissionContext();
      ApplicationId id = ctx.getApplicationId();
      ctx.setApplicationName("hjob-rig-shell");
      ctx.setMaxAppAttempts(1);
      ctx.setResource(Resource.newInstance(128, 1));
      ctx.setQueue("default");
      ctx.setAMContainerSpec(
          ContainerLaunchContext.newInstance(
              Collections.emptyMap(), Collections.emptyMap(), List.of(command), null, null, null));
      try {
        client.submitApplication(ctx);
      } catch (Exception e) {
        // submitApplication waits to see the application accepted; a script
        // that ends at once may already have failed by then. It was submitted
        // all the same when the ResourceManager knows it.
        client.getApplicationReport(id);
      }
      reply(x, 200, "{\"application_id\": " + quote(id.toString()) + "}");
    } catch (Exception e) {
      reply(x, 500, "{\"error\": " + quote(String.valueOf(e)) + "}");
    }
  }

  private static void reply(HttpExchange x, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Fails the start unless GET url answers 200 within a minute. */
  private static void probe(String url) throws Exception {
    Exception last = null;
    for (int i = 0; i < 120; i++) {
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        int status = c.getResponseCode();
        c.disconnect();
        if (status == 200) {
          return;
        }
        last = new IOException("HTTP " + status);
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new IOException("rig: " + url + " did not answer 200: " + last);
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      // Stopping anyway.
    }
  }
}
