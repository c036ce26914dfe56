package io.clipstream.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * MANIFEST.json of a published version: every file's sha256, relative path -> hex. It is written last, so a version
 * directory without it is incomplete and does not exist for readers.
 */
public final class VersionManifest {
    public static final String FILE = "MANIFEST.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VersionManifest() {}

    /** sha256 of every regular file under {@code dir} except a manifest, by relative path ('/'-separated), sorted. */
    public static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString().replace('\\', '/');
                if (!rel.equals(FILE) && !rel.endsWith(".tmp")) {
                    files.put(rel, sha256(p));
                }
            }
        }
        return files;
    }

    /** The manifest document of {@code files} (relative path -> sha256). */
    public static byte[] render(Map<String, String> files) throws IOException {
        return JSON.writeValueAsBytes(Map.of("files", new TreeMap<>(files)));
    }

    /** Most files one manifest may list. */
    static final int MAX_FILES = 10_000;
    /** A relative path of plain segments: no '..', '.', empty, absolute or backslashed part. */
    private static final java.util.regex.Pattern PATH = java.util.regex.Pattern.compile(
            "[A-Za-z0-9_][A-Za-z0-9._-]{0,127}(/[A-Za-z0-9_][A-Za-z0-9._-]{0,127}){0,7}");

    private static final java.util.regex.Pattern SHA256 = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    /**
     * Reads a manifest document back: relative path -> sha256. Every path must be relative and plain (segments of
     * letters, digits, '.', '_', '-', none starting with a dot), every hash 64 lower-case hex digits: a manifest is
     * read from storage, and its paths become local files.
     */
    public static Map<String, String> parse(byte[] manifest) throws IOException {
        Map<?, ?> m = JSON.readValue(manifest, Map.class);
        Object files = m.get("files");
        if (!(files instanceof Map<?, ?> listed)) {
            throw new IOException("MANIFEST.json has no files object");
        }
        if (listed.size() > MAX_FILES) {
            throw new IOException("MANIFEST.json lists " + listed.size() + " files, at most " + MAX_FILES);
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : listed.entrySet()) {
            if (!(e.getKey() instanceof String path) || !PATH.matcher(path).matches() || path.contains("..")) {
                throw new IOException("MANIFEST.json names a file outside its version: '" + e.getKey() + "'");
            }
            if (!(e.getValue() instanceof String sha) || !SHA256.matcher(sha).matches()) {
                throw new IOException("MANIFEST.json gives " + path + " a sha256 that is not 64 lower-case hex digits");
            }
            out.put(path, sha);
        }
        return out;
    }

    /** Hashes {@code dir} and writes its MANIFEST.json atomically (temp file, then rename). */
    public static Map<String, String> write(Path dir) throws IOException {
        Map<String, String> files = hashes(dir);
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.write(tmp, render(files));
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        return files;
    }

    public static String sha256(Path p) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
