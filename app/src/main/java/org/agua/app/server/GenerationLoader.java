package org.agua.app.server;

import io.netty.handler.ssl.SslContext;
import org.agua.config.AguaConfig;
import org.agua.outbound.delivery.RelaySettings;
import org.agua.config.ConfigLoader;
import org.agua.config.ConfigProblem;
import org.agua.config.ConfigResult;
import org.agua.config.users.Users;
import org.agua.config.users.UsersFile;
import org.agua.config.OutboundConfig;
import org.agua.config.users.UsersResult;
import org.agua.outbound.dkim.DkimKey;
import org.agua.outbound.dkim.DkimSigner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the configuration file, the users file and the TLS files into a {@link Generation}, or
 * collects every problem found in them, each as {@code FILE:LINE:COLUMN: message}.
 */
public final class GenerationLoader {

    /** Either a generation or the problems that prevented it. */
    public record Outcome(Generation generation, List<ConfigProblem> problems) {
        public Outcome {
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return generation != null;
        }
    }

    private GenerationLoader() {
    }

    /** Loads everything a running server needs, generating the self-signed TLS pair if it is missing. */
    public static Outcome load(Path configFile, long number) {
        return load(configFile, number, true, null);
    }

    /**
     * As {@link #load(Path, long)}, keeping {@code unchangedTls}'s TLS context when the new
     * configuration names the same certificate and key files, which the caller knows have not
     * changed since: building a context takes most of a reload's time (about 7 of 8 ms), and a
     * reload that blocks an attacker should not wait for it.
     */
    public static Outcome load(Path configFile, long number, Generation unchangedTls) {
        return load(configFile, number, true, unchangedTls);
    }

    /** Validates like {@link #load} but writes nothing (for {@code agua check}). */
    public static Outcome check(Path configFile) {
        return load(configFile, 0, false, null);
    }

    private static Outcome load(Path configFile, long number, boolean mayGenerateTls, Generation unchangedTls) {
        ConfigResult result = ConfigLoader.load(configFile);
        if (result instanceof ConfigResult.Invalid invalid) {
            return new Outcome(null, invalid.problems());
        }
        AguaConfig config = ((ConfigResult.Loaded) result).config();
        List<ConfigProblem> problems = new ArrayList<>();
        Users users = null;
        UsersResult usersResult = UsersFile.load(config.usersFile());
        if (usersResult instanceof UsersResult.Invalid bad) {
            problems.addAll(bad.problems());
        } else {
            users = ((UsersResult.Loaded) usersResult).users();
        }
        SslContext tls = null;
        if (unchangedTls != null && unchangedTls.tls() != null
                && Arrays.equals(TlsFiles.paths(config), TlsFiles.paths(unchangedTls.config()))) {
            tls = unchangedTls.tls();
        } else {
            try {
                tls = TlsFiles.load(config, mayGenerateTls);
            } catch (IOException e) {
                problems.add(new ConfigProblem(TlsFiles.paths(config)[0], 1, 1, e.getMessage()));
            }
        }
        List<DkimKey> dkimKeys = new ArrayList<>();
        for (OutboundConfig.DkimDomain d : config.outbound().dkim()) {
            try {
                dkimKeys.add(DkimKey.read(d.domain(), d.selector(), d.key()));
            } catch (IOException e) {
                problems.add(new ConfigProblem(config.file(), 1, 1, e.getMessage()));
            }
        }
        RelaySettings relay = null;
        try {
            relay = RelaySettingsOf.read(config, dkimKeys.isEmpty() ? RelaySettings.Signer.NONE : new DkimSigner(dkimKeys, Clock.systemUTC()));
        } catch (IOException e) {
            problems.add(new ConfigProblem(config.file(), 1, 1, e.getMessage()));
        }
        if (!problems.isEmpty()) {
            return new Outcome(null, problems);
        }
        return new Outcome(Generation.build(number, config, users, tls, relay), List.of());
    }
}
