package io.clipstream.testkit;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The configuration reference (docs/configuration.md) generated from the Quarkus config mappings: for a mapping, a
 * table of every key it reads, with its default (the service's application.properties, else the mapping's
 * {@code @WithDefault}) and its meaning (the javadoc of its method). The document holds each table between
 * {@code <!-- config: <mapping class> -->} and {@code <!-- end config -->}; {@link #check} fails when a table there
 * differs from the mapping, and rewrites it instead when {@code -Dclipstream.config-doc.write=true}.
 */
public final class ConfigDoc {
    public static final String WRITE_PROPERTY = "clipstream.config-doc.write";
    private static final String END = "<!-- end config -->";
    private static final Path REPO_ROOT = Path.of("../..");
    private static final Path DOC = REPO_ROOT.resolve("docs/configuration.md");

    private ConfigDoc() {}

    /** One key of a mapping: its name ({@code <name>} where a map takes any), default (null if none) and meaning. */
    public record Key(String name, String defaultValue, String meaning) {}

    /**
     * From a service module's directory (where its tests run): the service's own mappings against the repository's
     * docs/configuration.md, defaults from its {@code src/main/resources/application.properties}.
     */
    public static void checkService(Class<?>... mappings) {
        check(DOC, REPO_ROOT, Path.of("src/main/resources/application.properties"), mappings);
    }

    /** From a module's directory: mappings several services share, with the mappings' own defaults. */
    public static void checkShared(Class<?>... mappings) {
        check(DOC, REPO_ROOT, null, mappings);
    }

    /**
     * Checks (or writes) the tables of {@code mappings} in {@code doc}; their sources are found under {@code repoRoot}.
     */
    public static void check(Path doc, Path repoRoot, Path applicationProperties, Class<?>... mappings) {
        try {
            String text = Files.readString(doc);
            String updated = text;
            List<String> differ = new ArrayList<>();
            for (Class<?> mapping : mappings) {
                String start = "<!-- config: " + mapping.getName() + " -->";
                int from = updated.indexOf(start);
                if (from < 0) {
                    throw new AssertionError(
                            doc + " has no table for " + mapping.getName() + ": add the lines\n" + start + "\n" + END);
                }
                int to = updated.indexOf(END, from);
                if (to < 0) {
                    throw new AssertionError(doc + ": " + start + " without " + END);
                }
                List<Key> keys = keys(mapping, repoRoot, applicationProperties);
                List<String> unexplained = keys.stream()
                        .filter(k -> k.meaning().isEmpty())
                        .map(Key::name)
                        .toList();
                if (!unexplained.isEmpty()) {
                    throw new AssertionError(
                            mapping.getName() + ": keys without a javadoc on their method: " + unexplained);
                }
                String table = table(keys);
                String current = updated.substring(from + start.length(), to);
                String wanted = "\n" + table;
                if (!current.equals(wanted)) {
                    differ.add(mapping.getSimpleName() + ", the table as it should read:\n" + table);
                    updated = updated.substring(0, from + start.length()) + wanted + updated.substring(to);
                }
            }
            if (differ.isEmpty()) {
                return;
            }
            if (Boolean.getBoolean(WRITE_PROPERTY)) {
                Files.writeString(doc, updated);
                return;
            }
            throw new AssertionError(doc + " is not what the config mappings say (run the test with -D" + WRITE_PROPERTY
                    + "=true to rewrite it): " + String.join("\n", differ));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Markdown table of the keys. */
    public static String table(List<Key> keys) {
        StringBuilder b = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (Key k : keys) {
            b.append("| `")
                    .append(k.name())
                    .append("` | ")
                    .append(
                            k.defaultValue() == null || k.defaultValue().isEmpty()
                                    ? "(none)"
                                    : "`" + k.defaultValue() + "`")
                    .append(" | ")
                    .append(k.meaning())
                    .append(" |\n");
        }
        return b.toString();
    }

    /** Every key {@code mapping} reads, by name. */
    public static List<Key> keys(Class<?> mapping, Path repoRoot, Path applicationProperties) throws IOException {
        String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
        Map<String, ConfigMappingInterface.Property> properties =
                ConfigMappings.getProperties(new ConfigMappings.ConfigClass(mapping, prefix));
        Map<String, String> docs = javadocs(source(mapping, repoRoot));
        Properties app = new Properties();
        if (applicationProperties != null && Files.isRegularFile(applicationProperties)) {
            try (Reader r = Files.newBufferedReader(applicationProperties)) {
                app.load(r);
            }
        }
        Map<String, Key> byName = new TreeMap<>();
        properties.forEach((name, p) -> {
            if (p.isDefaultMethod() || p.isToStringMethod() || name.contains("[")) {
                return;
            } // [*]: a list's indexed form
            String shown = name.replace("*", "<name>");
            ConfigMappingInterface.Property leaf = p.isMap() ? p.asMap().getValueProperty() : p;
            String dflt = app.getProperty(name, leaf.hasDefaultValue() ? leaf.getDefaultValue() : null);
            Method m = p.getMethod();
            String meaning =
                    docs.getOrDefault(m.getDeclaringClass().getName().replace('$', '.') + "#" + m.getName(), "");
            byName.put(shown, new Key(shown, dflt, meaning));
        });
        return new ArrayList<>(byName.values());
    }

    private static Path source(Class<?> mapping, Path repoRoot) throws IOException {
        Class<?> top = mapping;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        String relative = "src/main/java/" + top.getName().replace('.', '/') + ".java";
        try (Stream<Path> modules = Stream.of("shared", "services")
                .map(repoRoot::resolve)
                .filter(Files::isDirectory)
                .flatMap(ConfigDoc::list)) {
            return modules.map(m -> m.resolve(relative))
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .orElseThrow(() -> new IOException("no source of " + mapping.getName() + " under " + repoRoot));
        }
    }

    private static Stream<Path> list(Path dir) {
        try {
            return Files.list(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Method javadocs of a source file, keyed {@code <interface name>#<method>}, as Markdown on one line. */
    static Map<String, String> javadocs(Path source) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Map<String, String> out = new HashMap<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
            JavacTask task = (JavacTask)
                    javac.getTask(null, files, d -> {}, List.of("-proc:none"), null, files.getJavaFileObjects(source));
            Trees trees = Trees.instance(task);
            for (CompilationUnitTree unit : task.parse()) {
                String pkg = unit.getPackageName() == null
                        ? ""
                        : unit.getPackageName().toString() + ".";
                new TreePathScanner<Void, String>() {
                    @Override
                    public Void visitClass(ClassTree c, String outer) {
                        String name = outer == null ? pkg + c.getSimpleName() : outer + "." + c.getSimpleName();
                        for (Tree member : c.getMembers()) {
                            if (member instanceof MethodTree m) {
                                String doc = trees.getDocComment(new TreePath(getCurrentPath(), m));
                                if (doc != null) {
                                    out.put(name + "#" + m.getName(), markdown(doc));
                                }
                            } else if (member instanceof ClassTree inner) {
                                visitClass(inner, name);
                            }
                        }
                        return null;
                    }
                }.scan(unit, null);
            }
        }
        return out;
    }

    private static final Pattern INLINE = Pattern.compile("\\{@(code|link|linkplain|literal) ((?:[^{}]|\\{[^{}]*})*)}");

    /** Javadoc to one line of Markdown: {@code x} and {@link #x()} as code, HTML-like text escaped, pipes escaped. */
    static String markdown(String javadoc) {
        String text = javadoc.replaceAll("\\s+", " ").strip();
        StringBuilder b = new StringBuilder();
        Matcher m = INLINE.matcher(text);
        int at = 0;
        while (m.find()) {
            b.append(escape(text.substring(at, m.start())));
            String code = m.group(2).strip();
            if (!m.group(1).equals("code") && !m.group(1).equals("literal")) {
                code = code.replaceFirst("^#", "").replaceFirst("\\(\\)$", "");
            }
            b.append('`').append(code.replace("|", "\\|")).append('`');
            at = m.end();
        }
        b.append(escape(text.substring(at)));
        return b.toString();
    }

    private static String escape(String plain) {
        return plain.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("|", "\\|");
    }
}
