package dev.gatun.data;

import dev.gatun.io.AtomicFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A CSV file parsed once into a binary cache that later runs memory-map instead of reading the
 * text: {@link #load} parses the file in one streaming pass (with {@link CsvDataset}'s validation
 * and messages) into {@code <cache dir>/<name>.<key>.gcsv}, and maps that file.
 *
 * <p>The cache is reused while its source has the size, modification time and first and last
 * 64 KiB it had when the cache was written; anything else rebuilds it. Sampling the ends, not
 * hashing the whole file, keeps a check of a file larger than memory to two small reads, and
 * still catches a file rewritten within the clock's resolution or with its time restored (an
 * appended row, a new header) unless both the size and both ends stay the same. The cache's own
 * header, names and data carry checksums that are verified on every open, so a damaged or
 * truncated cache is refused (and rebuilt), never trusted; it is written to a temporary file that
 * is moved into place only when complete.
 */
public final class CsvCache {
    /**
     * CSV files at least this large (64 MiB) are cached with {@code data.cache: auto}; smaller
     * ones are parsed into memory, which is faster for them than writing and checking a cache.
     */
    public static final long AUTO_THRESHOLD = 64L << 20;

    /** Mapped pages kept resident before they are released: {@link MappedFile#DEFAULT_RESIDENT_BYTES}. */
    public static final long DEFAULT_RESIDENT_BYTES = MappedFile.DEFAULT_RESIDENT_BYTES;

    private static final String SUFFIX = ".gcsv";

    private CsvCache() {}

    /**
     * The cache folder used when none is given: {@code $XDG_CACHE_HOME/gatun/csv}, or
     * {@code ~/.cache/gatun/csv}. Never beside the source, so a data folder is not written to.
     *
     * @return the folder (it may not exist yet)
     */
    public static Path defaultDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gatun").resolve("csv");
    }

    /**
     * Maps the cache of {@code csv}, parsing the CSV into it first when there is no valid cache
     * for this file and reading. The mapping lives until {@code arena} closes.
     *
     * @param csv the CSV file
     * @param labelColumn the label column's name (ignored for {@link CsvDataset.Labels#NONE})
     * @param labels how the label column reads
     * @param classNamesOrNull for {@link CsvDataset.Labels#CLASS_NAMES}: the names to number
     *     classes by (a training file's), or null to number the file's own names in sorted order
     * @param cacheDir the folder of cache files, created when missing
     * @param arena the owner of the mapping
     * @param residentBytes how many bytes of mapped pages may stay resident before they are released
     * @return the mapped data set
     * @throws CsvFormatException as {@link CsvDataset#load(Path, String, CsvDataset.Labels)}
     * @throws IOException when the CSV cannot be read or the cache cannot be written
     */
    public static MappedCsv load(Path csv, String labelColumn, CsvDataset.Labels labels, List<String> classNamesOrNull,
            Path cacheDir, Arena arena, long residentBytes) throws IOException {
        if (residentBytes <= 0) {
            throw new IllegalArgumentException("csv cache: resident bytes must be > 0, got " + residentBytes);
        }
        if (classNamesOrNull != null && labels != CsvDataset.Labels.CLASS_NAMES) {
            throw new IllegalArgumentException("csv cache: class names are given only for Labels.CLASS_NAMES");
        }
        CsvCacheFile.Request request = new CsvCacheFile.Request(labels, labels == CsvDataset.Labels.NONE ? ""
                : labelColumn, classNamesOrNull);
        Path cache = cacheDir.resolve(csv.getFileName() + "." + key(csv, request) + SUFFIX);
        CsvCacheFile.Source source = CsvCacheFile.Source.of(csv);
        String whyParsed = "no cache yet";
        if (Files.exists(cache)) {
            try {
                return CsvCacheFile.open(csv, cache, source, request, arena, residentBytes, null);
            } catch (CsvCacheFile.StaleCacheException e) {
                whyParsed = e.getMessage();
            }
        }
        AtomicFile.write(cache, temp -> CsvCacheFile.write(csv, temp, source, request));
        try {
            return CsvCacheFile.open(csv, cache, source, request, arena, residentBytes, whyParsed);
        } catch (CsvCacheFile.StaleCacheException e) {
            throw new IOException(cache + ": the cache just written does not read back: " + e.getMessage(), e);
        }
    }

    /** The cache file's key: the source's absolute path and the reading asked for, hashed. */
    private static String key(Path csv, CsvCacheFile.Request request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(csv.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(request.digest());
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
