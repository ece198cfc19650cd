// A minimal SPNEGO/Kerberos HTTP client for the auth tests (run as
// `java NegotiateProbe.java URL MECH`, JDK 11+ source launch): builds one
// initial GSS token for HTTP@<url host> with MECH = krb5 (raw Kerberos
// AP-REQ, what cross-krb5 sends) or spnego (what curl sends), from the
// ticket cache in KRB5CCNAME (java.security.krb5.conf set by the caller),
// sends it as `Authorization: Negotiate`, and prints the HTTP status.
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.Base64;
import org.ietf.jgss.GSSContext;
import org.ietf.jgss.GSSManager;
import org.ietf.jgss.GSSName;
import org.ietf.jgss.Oid;

public class NegotiateProbe {
  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    Oid mech = new Oid(args[1].equals("krb5") ? "1.2.840.113554.1.2.2" : "1.3.6.1.5.5.2");
    GSSManager manager = GSSManager.getInstance();
    GSSName service = manager.createName("HTTP@" + url.getHost(), GSSName.NT_HOSTBASED_SERVICE);
    GSSContext context = manager.createContext(service, mech, null, GSSContext.DEFAULT_LIFETIME);
    context.requestMutualAuth(false);
    byte[] token = context.initSecContext(new byte[0], 0, 0);
    HttpURLConnection http = (HttpURLConnection) url.toURL().openConnection();
    http.setInstanceFollowRedirects(false);
    http.setRequestProperty(
        "Authorization", "Negotiate " + Base64.getEncoder().encodeToString(token));
    System.out.println(http.getResponseCode());
  }
}
