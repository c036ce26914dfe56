package io.clipstream.gateway.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.clipstream.contracts.DomainName;
import io.clipstream.contracts.ImageRef;
import io.clipstream.contracts.ReasonCode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Shape validation of submissions: well-formed JSON, known fields of the right types, exactly one of
 * imageBase64/imageUri, base64 that decodes, lengths within generous bounds. Content rules (empty
 * caption, undecodable image, size in pixels...) are the curator's, so that every accepted pair ends
 * curated or rejected with a reason. Pure: no CDI, no I/O.
 */
public final class PairValidator {
    static final Set<String> PAIR_FIELDS = Set.of("pairId", "domain", "text", "imageBase64", "imageUri", "attributes");
    /** Caps the problem body: a batch of 500 broken pairs need not echo 3000 errors. */
    static final int MAX_REPORTED_ERRORS = ValidationException.MAX_LISTED_ERRORS;

    private final ShapeRules rules;
    private final ObjectMapper mapper;

    public PairValidator(ShapeRules rules) {
        this.rules = rules;
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                // the HTTP body limit bounds string sizes; Jackson's own 20M default must not cut in first
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(Integer.MAX_VALUE)
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    public ShapeRules rules() {
        return rules;
    }

    /** {@code POST /v1/pairs} with a JSON body. */
    public PairSubmission parsePair(byte[] body) {
        JsonNode root = readTree(body);
        if (!root.isObject()) {
            throw new ValidationException(
                    ReasonCode.INVALID_JSON, "request body must be a JSON object, got " + kind(root));
        }
        List<FieldError> errors = new ArrayList<>();
        PairSubmission pair = validatePair(root, "", errors);
        if (!errors.isEmpty()) {
            throw ValidationException.of(errors);
        }
        return pair;
    }

    /** {@code POST /v1/pairs/batch}: {@code {"pairs":[...]}}; all pairs valid or none accepted. */
    public List<PairSubmission> parseBatch(byte[] body) {
        JsonNode root = readTree(body);
        if (!root.isObject()) {
            throw new ValidationException(
                    ReasonCode.INVALID_JSON, "request body must be a JSON object {\"pairs\":[...]}, got " + kind(root));
        }
        List<FieldError> errors = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!name.equals("pairs")) {
                errors.add(new FieldError("/" + escape(name), ReasonCode.INVALID_FIELD, "unknown field"));
            }
        });
        JsonNode pairs = root.get("pairs");
        if (pairs == null || !pairs.isArray()) {
            errors.add(new FieldError(
                    "/pairs",
                    ReasonCode.INVALID_FIELD,
                    pairs == null ? "required array is missing" : "must be an array, got " + kind(pairs)));
            throw ValidationException.of(errors);
        }
        if (pairs.size() > rules.batchMaxPairs()) {
            throw new ValidationException(
                    ReasonCode.BATCH_TOO_LARGE,
                    "batch holds " + pairs.size() + " pairs, at most " + rules.batchMaxPairs() + " are allowed",
                    List.of(new FieldError(
                            "/pairs", ReasonCode.BATCH_TOO_LARGE, "at most " + rules.batchMaxPairs() + " pairs")));
        }
        if (pairs.isEmpty()) {
            errors.add(new FieldError("/pairs", ReasonCode.INVALID_FIELD, "must hold at least one pair"));
        }
        List<PairSubmission> result = new ArrayList<>(pairs.size());
        Map<String, Integer> seenIds = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) {
            String pointer = "/pairs/" + i;
            JsonNode node = pairs.get(i);
            if (!node.isObject()) {
                errors.add(new FieldError(pointer, ReasonCode.INVALID_FIELD, "must be an object, got " + kind(node)));
                continue;
            }
            PairSubmission pair = validatePair(node, pointer, errors);
            if (pair.pairId() != null) {
                Integer previous = seenIds.putIfAbsent(pair.pairId(), i);
                if (previous != null) {
                    errors.add(new FieldError(
                            pointer + "/pairId",
                            ReasonCode.INVALID_FIELD,
                            "duplicates /pairs/" + previous + "/pairId"));
                }
            }
            result.add(pair);
        }
        if (!errors.isEmpty()) {
            throw ValidationException.of(errors);
        }
        return List.copyOf(result);
    }

    /**
     * The {@code Idempotency-Key} header as the pair's id: taken when the body names none, checked
     * like a pairId, and refused when it contradicts the body's.
     */
    public PairSubmission withIdempotencyKey(PairSubmission pair, String idempotencyKey) {
        if (idempotencyKey == null) {
            return pair;
        }
        List<FieldError> errors = new ArrayList<>();
        checkPairId(idempotencyKey, "#Idempotency-Key", errors);
        if (pair.pairId() != null && !pair.pairId().equals(idempotencyKey)) {
            errors.add(new FieldError(
                    "#Idempotency-Key",
                    ReasonCode.INVALID_FIELD,
                    "differs from the body's pairId; send one id, or the same in both"));
        }
        if (!errors.isEmpty()) {
            throw ValidationException.of(errors);
        }
        return new PairSubmission(
                idempotencyKey, pair.domain(), pair.text(), pair.imageBase64(), pair.imageUri(), pair.attributes());
    }

    /**
     * Claim-check references must point into the producer's own inbox, by the grammar the curator
     * applies ({@link ImageRef}); known only once the producer is, so checked after the shape.
     */
    public void checkImageRefs(List<PairSubmission> pairs, String producer, boolean batch) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < pairs.size() && errors.size() < MAX_REPORTED_ERRORS; i++) {
            String uri = pairs.get(i).imageUri();
            if (uri == null) {
                continue;
            }
            try {
                ImageRef.parse(uri, rules.imageBucket(), producer);
            } catch (ImageRef.InvalidImageRefException e) {
                errors.add(new FieldError(
                        (batch ? "/pairs/" + i : "") + "/imageUri", ReasonCode.INVALID_FIELD, e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw ValidationException.of(errors);
        }
    }

    /** {@code POST /v1/pairs} as multipart/form-data: parts image (file), text, optional domain, pairId. */
    public PairSubmission validateForm(String pairId, String domain, String text, byte[] image) {
        List<FieldError> errors = new ArrayList<>();
        checkPairId(pairId, "#pairId", errors);
        checkDomain(domain, "#domain", errors);
        if (text == null) {
            errors.add(new FieldError("#text", ReasonCode.INVALID_FIELD, "required part is missing"));
        } else {
            checkText(text, "#text", errors);
        }
        if (image == null) {
            errors.add(new FieldError("#image", ReasonCode.INVALID_FIELD, "required file part is missing"));
        }
        if (!errors.isEmpty()) {
            throw ValidationException.of(errors);
        }
        return new PairSubmission(pairId, domain, text, Base64.getEncoder().encodeToString(image), null, Map.of());
    }

    private JsonNode readTree(byte[] body) {
        if (body == null || body.length == 0) {
            throw new ValidationException(ReasonCode.INVALID_JSON, "request body is empty");
        }
        try {
            JsonNode root = mapper.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new ValidationException(ReasonCode.INVALID_JSON, "request body holds no JSON value");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new ValidationException(
                    ReasonCode.INVALID_JSON,
                    "malformed JSON: " + e.getOriginalMessage()
                            + (e.getLocation() == null
                                    ? ""
                                    : " at line " + e.getLocation().getLineNr() + ", column "
                                            + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new ValidationException(ReasonCode.INVALID_JSON, "unreadable JSON: " + e.getMessage());
        }
    }

    private PairSubmission validatePair(JsonNode node, String at, List<FieldError> errors) {
        node.fieldNames().forEachRemaining(name -> {
            if (!PAIR_FIELDS.contains(name)) {
                errors.add(new FieldError(
                        at + "/" + escape(name),
                        ReasonCode.INVALID_FIELD,
                        name.equals("source") ? "source is set by the gateway from the API key" : "unknown field"));
            }
        });
        String pairId = optionalString(node, "pairId", at, errors);
        String domain = optionalString(node, "domain", at, errors);
        String text = optionalString(node, "text", at, errors);
        String imageBase64 = optionalString(node, "imageBase64", at, errors);
        String imageUri = optionalString(node, "imageUri", at, errors);
        Map<String, String> attributes = attributes(node.get("attributes"), at + "/attributes", errors);

        checkPairId(pairId, at + "/pairId", errors);
        checkDomain(domain, at + "/domain", errors);
        if (text == null) {
            if (isAbsent(node.get("text"))) {
                errors.add(new FieldError(
                        at + "/text", ReasonCode.INVALID_FIELD, "required string is missing (it may be empty)"));
            }
        } else {
            checkText(text, at + "/text", errors);
        }
        boolean hasInline = !isAbsent(node.get("imageBase64"));
        boolean hasUri = !isAbsent(node.get("imageUri"));
        if (hasInline && hasUri) {
            errors.add(new FieldError(
                    at + "/imageUri",
                    ReasonCode.INVALID_FIELD,
                    "give exactly one of imageBase64 and imageUri, not both"));
        } else if (!hasInline && !hasUri) {
            errors.add(new FieldError(
                    at + "/imageBase64", ReasonCode.INVALID_FIELD, "give exactly one of imageBase64 and imageUri"));
        }
        if (imageBase64 != null) {
            String problem = Base64Check.problem(imageBase64);
            if (problem != null) {
                errors.add(new FieldError(
                        at + "/imageBase64",
                        ReasonCode.INVALID_IMAGE_ENCODING,
                        "not standard base64 (RFC 4648, no line breaks): " + problem));
            }
        }
        if (imageUri != null) {
            checkImageUri(imageUri, at + "/imageUri", errors);
        }
        return new PairSubmission(pairId, domain, text, imageBase64, imageUri, attributes);
    }

    private void checkPairId(String pairId, String at, List<FieldError> errors) {
        if (pairId == null) {
            return;
        }
        if (pairId.isEmpty() || pairId.length() > rules.pairIdLength()) {
            errors.add(new FieldError(
                    at, ReasonCode.INVALID_FIELD, "must be 1 to " + rules.pairIdLength() + " characters"));
        } else if (pairId.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            errors.add(new FieldError(at, ReasonCode.INVALID_FIELD, "must not hold whitespace or control characters"));
        }
    }

    private static void checkDomain(String domain, String at, List<FieldError> errors) {
        if (domain == null) {
            return; // the producer's default domain, assigned once the producer is known
        }
        DomainName.problem(domain).ifPresent(p -> errors.add(new FieldError(at, ReasonCode.DOMAIN_INVALID, p)));
    }

    private void checkText(String text, String at, List<FieldError> errors) {
        if (text.length() > rules.textLength()) {
            errors.add(
                    new FieldError(at, ReasonCode.INVALID_FIELD, "longer than " + rules.textLength() + " characters"));
        }
    }

    private void checkImageUri(String imageUri, String at, List<FieldError> errors) {
        if (imageUri.length() > rules.imageUriLength()) {
            errors.add(new FieldError(
                    at, ReasonCode.INVALID_FIELD, "longer than " + rules.imageUriLength() + " characters"));
            return;
        }
        try {
            URI uri = new URI(imageUri);
            if (!uri.isAbsolute() || uri.isOpaque()) {
                errors.add(new FieldError(
                        at, ReasonCode.INVALID_FIELD, "must be an absolute hierarchical URI such as s3://bucket/key"));
            } else if (!ImageRef.SCHEME.equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
                errors.add(new FieldError(
                        at,
                        ReasonCode.INVALID_FIELD,
                        "scheme '" + uri.getScheme() + "' is not s3 (the curator reads only s3://" + rules.imageBucket()
                                + "/inbox/<producer>/...)"));
            }
        } catch (URISyntaxException e) {
            errors.add(new FieldError(at, ReasonCode.INVALID_FIELD, "not a URI: " + e.getMessage()));
        }
    }

    private Map<String, String> attributes(JsonNode node, String at, List<FieldError> errors) {
        if (isAbsent(node)) {
            return Map.of();
        }
        if (!node.isObject()) {
            errors.add(new FieldError(at, ReasonCode.INVALID_FIELD, "must be an object of strings, got " + kind(node)));
            return Map.of();
        }
        if (node.size() > rules.attributes()) {
            errors.add(new FieldError(at, ReasonCode.INVALID_FIELD, "more than " + rules.attributes() + " entries"));
            return Map.of();
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            String pointer = at + "/" + escape(key);
            if (key.isEmpty() || key.length() > rules.attributeKeyLength()) {
                errors.add(new FieldError(
                        pointer,
                        ReasonCode.INVALID_FIELD,
                        "key must be 1 to " + rules.attributeKeyLength() + " characters"));
            } else if (!e.getValue().isTextual()) {
                errors.add(new FieldError(
                        pointer, ReasonCode.INVALID_FIELD, "must be a string, got " + kind(e.getValue())));
            } else if (e.getValue().textValue().length() > rules.attributeValueLength()) {
                errors.add(new FieldError(
                        pointer,
                        ReasonCode.INVALID_FIELD,
                        "longer than " + rules.attributeValueLength() + " characters"));
            } else {
                result.put(key, e.getValue().textValue());
            }
        }
        return result;
    }

    /** The string value of an optional field; JSON null counts as absent; other types are errors. */
    private static String optionalString(JsonNode object, String field, String at, List<FieldError> errors) {
        JsonNode value = object.get(field);
        if (isAbsent(value)) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(
                    new FieldError(at + "/" + field, ReasonCode.INVALID_FIELD, "must be a string, got " + kind(value)));
            return null;
        }
        return value.textValue();
    }

    private static boolean isAbsent(JsonNode value) {
        return value == null || value.isNull() || value.isMissingNode();
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** RFC 6901 escaping of one reference token. */
    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
