package dev.cync.canary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository stands alone: every relative link in its Markdown (README, docs/, deploy/, config/)
 * names a file of this repository, every {@code #anchor} names a heading of the file it points to,
 * and nothing points outside the clone (such as a {@code ../shared} folder a user never has).
 */
class DocLinksTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        List<String> dead = new ArrayList<>();
        List<Path> docs = markdown(root);
        assertThat(docs).as("Markdown files found").hasSizeGreaterThan(5);
        for (Path doc : docs) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String link = m.group(1);
                if (link.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto: are not files of this repository
                }
                int hash = link.indexOf('#');
                String file = hash < 0 ? link : link.substring(0, hash);
                String anchor = hash < 0 ? null : link.substring(hash + 1);
                Path target =
                        file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                String where = root.relativize(doc) + ": (" + link + ")";
                if (!target.startsWith(root)) {
                    dead.add(where + " leaves the repository");
                } else if (!Files.exists(target)) {
                    dead.add(where + " names no file");
                } else if (anchor != null
                        && target.toString().endsWith(".md")
                        && !anchors(target).contains(anchor)) {
                    dead.add(where + " names no heading of " + root.relativize(target));
                }
            }
        }
        assertThat(dead).as("dead links").isEmpty();
    }

    @Test
    void anchorsFollowGitHubsRule() {
        assertThat(anchor("Several replicas (etcd)")).isEqualTo("several-replicas-etcd");
        assertThat(anchor("`rollout status`: the table")).isEqualTo("rollout-status-the-table");
    }

    private static List<Path> markdown(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of(".", "docs", "deploy", "config", "monitoring", "scripts")) {
            Path d = root.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = dir.equals(".") ? Files.list(d) : Files.walk(d)) {
                s.filter(p -> p.toString().endsWith(".md")).forEach(out::add);
            }
        }
        return out;
    }

    private static List<String> anchors(Path md) throws IOException {
        List<String> out = new ArrayList<>();
        Matcher m = HEADING.matcher(Files.readString(md));
        while (m.find()) {
            out.add(anchor(m.group(1)));
        }
        return out;
    }

    /** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-');
    }
}
