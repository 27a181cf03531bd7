// A TLS client for tests/it/trust.rs: fetch https://HOST:PORT/ trusting only the store
// named by -Djavax.net.ssl.trustStore (the JDK's default trust manager), print the body,
// exit 0; exit 1 when the handshake or the request fails. Run as a single-file program:
//   java -Djavax.net.ssl.trustStore=cacerts -Djavax.net.ssl.trustStorePassword=changeit \
//        TrustProbe.java localhost 8443
import java.io.InputStream;
import java.net.URL;
import javax.net.ssl.HttpsURLConnection;

public class TrustProbe {
    public static void main(String[] args) {
        try {
            URL url = new URL("https://" + args[0] + ":" + args[1] + "/");
            HttpsURLConnection c = (HttpsURLConnection) url.openConnection();
            c.setConnectTimeout(10000);
            c.setReadTimeout(10000);
            try (InputStream in = c.getInputStream()) {
                System.out.print(new String(in.readAllBytes(), "UTF-8"));
            }
        } catch (Exception e) {
            System.out.println("TrustProbe failed: " + e);
            System.exit(1);
        }
    }
}
