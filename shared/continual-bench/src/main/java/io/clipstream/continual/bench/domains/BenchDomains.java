package io.clipstream.continual.bench.domains;

import io.clipstream.continual.augment.ImageAugmenter;
import io.clipstream.continual.data.Captioner;
import io.clipstream.continual.data.ClassPrompts;
import io.clipstream.continual.data.Sample;
import io.clipstream.datasets.FashionMnist;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The benchmark's domains in the order they arrive, the first one being the base domain: built-in Fashion-MNIST
 * domains ({@link Domain}, by id) and users' folders ({@link FolderDomain}, by path), with their disjoint train /
 * validation / test sets, classes, captions, prompts and augmentations.
 *
 * @param builtIn the ids that are built-in domains
 */
public record BenchDomains(
        List<String> ids,
        Map<String, List<String>> classes,
        Map<String, List<Sample>> train,
        Map<String, List<Sample>> val,
        Map<String, List<Sample>> test,
        Set<String> builtIn) {

    /** The four built-in domains, D0 original first. */
    public static final List<String> FASHION =
            java.util.Arrays.stream(Domain.values()).map(Domain::id).toList();

    /** Whether {@code spec} names a built-in domain (else it is a folder path). */
    public static boolean isBuiltIn(String spec) {
        return FASHION.contains(spec.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * @param specs     built-in ids or folder paths, in arrival order
     * @param fashion   Fashion-MNIST's train and test files, read only when a built-in domain is named
     * @param baseTrain training pairs of the base domain (at most, for a folder); {@code trainPer} for the others
     * @param side      the model's image size, to which folder images are scaled
     */
    public static BenchDomains build(
            List<String> specs,
            FashionFiles fashion,
            int baseTrain,
            int trainPer,
            int valPer,
            int testPer,
            long seed,
            int side)
            throws IOException {
        if (specs.size() < 2) {
            throw new IllegalArgumentException("need a base domain and at least one more, got " + specs);
        }
        List<Domain> builtIns =
                specs.stream().filter(BenchDomains::isBuiltIn).map(Domain::byId).toList();
        DomainSplits fs = builtIns.isEmpty()
                ? null
                : DomainSplits.build(
                        fashion.train(),
                        fashion.test(),
                        builtIns,
                        isBuiltIn(specs.get(0)) ? baseTrain : trainPer,
                        trainPer,
                        valPer,
                        testPer,
                        seed);
        List<String> ids = new ArrayList<>();
        Map<String, List<String>> classes = new LinkedHashMap<>();
        Map<String, List<Sample>> train = new LinkedHashMap<>();
        Map<String, List<Sample>> val = new LinkedHashMap<>();
        Map<String, List<Sample>> test = new LinkedHashMap<>();
        Set<String> builtIn = new LinkedHashSet<>();
        for (String spec : specs) {
            String id;
            if (isBuiltIn(spec)) {
                Domain d = Domain.byId(spec);
                id = d.id();
                builtIn.add(id);
                classes.put(id, FashionMnist.CLASS_NAMES);
                train.put(id, fs.train().get(d));
                val.put(id, fs.val().get(d));
                test.put(id, fs.test().get(d));
            } else {
                FolderDomain f = FolderDomain.read(Path.of(spec));
                id = f.id();
                List<List<Sample>> parts = FolderDomain.split(
                        f.samples(side), ids.isEmpty() ? baseTrain : trainPer, valPer, testPer, seed);
                classes.put(id, f.classes());
                train.put(id, parts.get(0));
                val.put(id, parts.get(1));
                test.put(id, parts.get(2));
            }
            if (ids.contains(id)) {
                throw new IllegalArgumentException("domain " + id + " is named twice");
            }
            ids.add(id);
        }
        return new BenchDomains(List.copyOf(ids), classes, train, val, test, Set.copyOf(builtIn));
    }

    /** Fashion-MNIST's two files, read on first use. */
    public static final class FashionFiles {
        private final Path dir;
        private List<FashionMnist.Sample> train;
        private List<FashionMnist.Sample> test;

        public FashionFiles(Path dir) {
            this.dir = dir;
        }

        List<FashionMnist.Sample> train() throws IOException {
            if (train == null) {
                train = FashionMnist.read(dir, FashionMnist.Split.TRAIN, 0);
            }
            return train;
        }

        List<FashionMnist.Sample> test() throws IOException {
            if (test == null) {
                test = FashionMnist.read(dir, FashionMnist.Split.TEST, 0);
            }
            return test;
        }
    }

    public String baseDomain() {
        return ids.get(0);
    }

    /** Built-in pairs draw a caption template per use; a folder's pairs keep the manifest's caption. */
    public Captioner captioner() {
        Captioner templates = Captions.captioner();
        return (s, rnd) -> builtIn.contains(s.domain()) ? templates.caption(s, rnd) : s.caption();
    }

    /** Every domain's classes, with the domain-free zero-shot prompts. */
    public ClassPrompts prompts() {
        return ClassPrompts.of(classes, Captions.EVAL_TEMPLATES);
    }

    /** Built-in domains' own augmentation ({@link Domain#augmentation}); the default one for folders. */
    public Function<String, ImageAugmenter> augmentations() {
        Map<String, ImageAugmenter> byDomain = new LinkedHashMap<>();
        for (String id : ids) {
            byDomain.put(id, builtIn.contains(id) ? Domain.augmentation(id) : ImageAugmenter.defaults());
        }
        return id -> byDomain.getOrDefault(id, ImageAugmenter.defaults());
    }

    /** Every word of every caption and prompt, for the generated model's tokenizer. */
    public Set<String> vocabulary() {
        Set<String> words = new LinkedHashSet<>(Captions.vocabulary(FashionMnist.CLASS_NAMES));
        for (String id : ids) {
            if (builtIn.contains(id)) {
                continue;
            }
            for (Map<String, List<Sample>> sets : List.of(train, val, test)) {
                for (Sample s : sets.get(id)) {
                    words.addAll(Captions.words(s.caption()));
                }
            }
            for (String c : classes.get(id)) {
                for (String t : Captions.EVAL_TEMPLATES) {
                    words.addAll(Captions.words(Captions.fill(t, c, "")));
                }
            }
        }
        return words;
    }
}
