package dev.cync.canary.device;

import dev.cync.canary.support.DurableFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS certificate of the device port when none is configured: generated once, kept in the
 * state directory ({@code tls/cert.pem}, {@code tls/key.pem}, key readable by the owner only) and
 * reused on later starts. Real devices do not validate it (docs/protocol.md).
 */
public record SelfSignedCertificate(Path certFile, Path keyFile) {

    public static SelfSignedCertificate loadOrCreate(Path stateDir, Instant now) throws IOException {
        Path dir = stateDir.resolve("tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (Files.isReadable(cert) && Files.isReadable(key)) {
            return new SelfSignedCertificate(cert, key);
        }
        Files.createDirectories(dir);
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
            kpg.initialize(2048, new SecureRandom());
            KeyPair pair = kpg.generateKeyPair();
            X500Name name = new X500Name("CN=cync-canary");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    name,
                    new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))),
                    name,
                    pair.getPublic());
            X509Certificate x509 = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
            writeOwnerOnly(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            DurableFiles.replace(cert, pem("CERTIFICATE", x509.getEncoded()).getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot generate a self-signed certificate: " + e.getMessage(), e);
        }
        return new SelfSignedCertificate(cert, key);
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        DurableFiles.replaceOwnerOnly(file, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
