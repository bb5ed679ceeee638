/**
 * Names of TLS code points (IANA "TLS Parameters" registry), as tshark shows them: the numbers go
 * into fields, the names into summaries and trees.
 */

export const CONTENT_TYPES: Record<number, string> = {
  20: "Change Cipher Spec",
  21: "Alert",
  22: "Handshake",
  23: "Application Data",
  24: "Heartbeat",
};

export const VERSIONS: Record<number, string> = {
  0x0300: "SSL 3.0",
  0x0301: "TLS 1.0",
  0x0302: "TLS 1.1",
  0x0303: "TLS 1.2",
  0x0304: "TLS 1.3",
};

/** GREASE values (RFC 8701) that clients put in lists to keep servers tolerant: 0x?A?A. */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

export function versionName(v: number): string {
  if (isGrease(v)) return "Reserved (GREASE)";
  return VERSIONS[v] ?? `Unknown (0x${v.toString(16).padStart(4, "0")})`;
}

export const HANDSHAKE_TYPES: Record<number, string> = {
  0: "Hello Request",
  1: "Client Hello",
  2: "Server Hello",
  4: "New Session Ticket",
  5: "End Of Early Data",
  8: "Encrypted Extensions",
  11: "Certificate",
  12: "Server Key Exchange",
  13: "Certificate Request",
  14: "Server Hello Done",
  15: "Certificate Verify",
  16: "Client Key Exchange",
  20: "Finished",
  21: "Certificate URL",
  22: "Certificate Status",
  24: "Key Update",
  254: "Message Hash",
};

export const ALERT_LEVELS: Record<number, string> = { 1: "Warning", 2: "Fatal" };

/** KeyUpdateRequest (RFC 8446 4.6.3), as Wireshark names the values. */
export const KEY_UPDATE_REQUESTS: Record<number, string> = { 0: "update_not_requested", 1: "update_requested" };

/** Alert descriptions: [RFC name (the field's value table), tshark's title (summaries)]. */
const ALERTS: Array<[number, string, string]> = [
  [0, "close_notify", "Close Notify"],
  [10, "unexpected_message", "Unexpected Message"],
  [20, "bad_record_mac", "Bad Record MAC"],
  [21, "decryption_failed", "Decryption Failed"],
  [22, "record_overflow", "Record Overflow"],
  [30, "decompression_failure", "Decompression Failure"],
  [40, "handshake_failure", "Handshake Failure"],
  [41, "no_certificate", "No Certificate"],
  [42, "bad_certificate", "Bad Certificate"],
  [43, "unsupported_certificate", "Unsupported Certificate"],
  [44, "certificate_revoked", "Certificate Revoked"],
  [45, "certificate_expired", "Certificate Expired"],
  [46, "certificate_unknown", "Certificate Unknown"],
  [47, "illegal_parameter", "Illegal Parameter"],
  [48, "unknown_ca", "Unknown CA"],
  [49, "access_denied", "Access Denied"],
  [50, "decode_error", "Decode Error"],
  [51, "decrypt_error", "Decrypt Error"],
  [60, "export_restriction", "Export Restriction"],
  [70, "protocol_version", "Protocol Version"],
  [71, "insufficient_security", "Insufficient Security"],
  [80, "internal_error", "Internal Error"],
  [86, "inappropriate_fallback", "Inappropriate Fallback"],
  [90, "user_canceled", "User Canceled"],
  [100, "no_renegotiation", "No Renegotiation"],
  [109, "missing_extension", "Missing Extension"],
  [110, "unsupported_extension", "Unsupported Extension"],
  [111, "certificate_unobtainable", "Certificate Unobtainable"],
  [112, "unrecognized_name", "Unrecognized Name"],
  [113, "bad_certificate_status_response", "Bad Certificate Status Response"],
  [114, "bad_certificate_hash_value", "Bad Certificate Hash Value"],
  [115, "unknown_psk_identity", "Unknown PSK Identity"],
  [116, "certificate_required", "Certificate Required"],
  [120, "no_application_protocol", "No Application Protocol"],
];

export const ALERT_NAMES: Record<number, string> = Object.fromEntries(ALERTS.map(([c, n]) => [c, n]));
export const ALERT_TITLES: Record<number, string> = Object.fromEntries(ALERTS.map(([c, , t]) => [c, t]));

/**
 * Cipher suites: the TLS 1.3 suites and the TLS 1.0-1.2 suites Kafka clients and brokers (JSSE,
 * OpenSSL, librdkafka, Go) offer in practice. Others show as their number.
 */
export const CIPHER_SUITES: Record<number, string> = {
  0x0000: "TLS_NULL_WITH_NULL_NULL",
  0x000a: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
  0x002f: "TLS_RSA_WITH_AES_128_CBC_SHA",
  0x0033: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
  0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
  0x0039: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
  0x003c: "TLS_RSA_WITH_AES_128_CBC_SHA256",
  0x003d: "TLS_RSA_WITH_AES_256_CBC_SHA256",
  0x0067: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
  0x006b: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
  0x009c: "TLS_RSA_WITH_AES_128_GCM_SHA256",
  0x009d: "TLS_RSA_WITH_AES_256_GCM_SHA384",
  0x009e: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
  0x009f: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
  0x00a8: "TLS_PSK_WITH_AES_128_GCM_SHA256",
  0x00a9: "TLS_PSK_WITH_AES_256_GCM_SHA384",
  0x00ff: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
  0x1301: "TLS_AES_128_GCM_SHA256",
  0x1302: "TLS_AES_256_GCM_SHA384",
  0x1303: "TLS_CHACHA20_POLY1305_SHA256",
  0x1304: "TLS_AES_128_CCM_SHA256",
  0x1305: "TLS_AES_128_CCM_8_SHA256",
  0x5600: "TLS_FALLBACK_SCSV",
  0xc009: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  0xc00a: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  0xc013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  0xc014: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  0xc023: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  0xc024: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
  0xc027: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  0xc028: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
  0xc02b: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  0xc02c: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  0xc02f: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  0xc030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  0xc09c: "TLS_RSA_WITH_AES_128_CCM",
  0xc09d: "TLS_RSA_WITH_AES_256_CCM",
  0xc09e: "TLS_DHE_RSA_WITH_AES_128_CCM",
  0xc09f: "TLS_DHE_RSA_WITH_AES_256_CCM",
  0xc0ac: "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
  0xc0ad: "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
  0xcca8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  0xcca9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  0xccaa: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
};

export function cipherSuiteName(v: number): string {
  if (isGrease(v)) return "Reserved (GREASE)";
  return CIPHER_SUITES[v] ?? `Unknown (0x${v.toString(16).padStart(4, "0")})`;
}

/** Extensions the dissector reads or names in trees. */
export const EXTENSIONS: Record<number, string> = {
  0: "server_name",
  5: "status_request",
  10: "supported_groups",
  11: "ec_point_formats",
  13: "signature_algorithms",
  16: "application_layer_protocol_negotiation",
  22: "encrypt_then_mac",
  23: "extended_master_secret",
  35: "session_ticket",
  41: "pre_shared_key",
  43: "supported_versions",
  45: "psk_key_exchange_modes",
  49: "post_handshake_auth",
  51: "key_share",
  65281: "renegotiation_info",
};
