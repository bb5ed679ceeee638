/** The TLS dissector's fields, named as Wireshark names them where Wireshark has the field. */

import type { FieldSpec } from "../../src/plugins/api.js";
import { ALERT_LEVELS, ALERT_NAMES, CIPHER_SUITES, CONTENT_TYPES, HANDSHAKE_TYPES, KEY_UPDATE_REQUESTS, VERSIONS } from "./names.js";

export const TLS_FIELDS: readonly FieldSpec[] = [
  { name: "tls.record.content_type", type: "uint", description: "Record content type", values: CONTENT_TYPES },
  { name: "tls.record.version", type: "uint", description: "Record layer version (TLS 1.3 records say TLS 1.2, 0x0303)", values: VERSIONS },
  { name: "tls.record.length", type: "uint", unit: "bytes", description: "Record body length in bytes" },
  {
    name: "tls.record.decrypted_type",
    type: "uint",
    description: "Content type of a record decrypted with --tls-keylog (in TLS 1.3, the type hidden inside it)",
    values: CONTENT_TYPES,
  },
  { name: "tls.handshake.type", type: "uint", repeated: true, description: "Handshake message type(s) completed in this record", values: HANDSHAKE_TYPES },
  { name: "tls.handshake.version", type: "uint", description: "Version in a Client or Server Hello (legacy_version)", values: VERSIONS },
  {
    name: "tls.handshake.extensions.supported_version",
    type: "uint", repeated: true,
    description: "supported_versions extension: the versions a client offers, the one a server chose",
    values: VERSIONS,
  },
  { name: "tls.handshake.extensions_server_name", type: "string", description: "Server name the client asked for (SNI)" },
  {
    name: "tls.handshake.ciphersuite",
    type: "uint", repeated: true,
    description: "Cipher suites a client offers, the one a server chose",
    values: CIPHER_SUITES,
  },
  { name: "tls.handshake.extensions_alpn_str", type: "string", repeated: true, description: "Application protocols offered (ALPN), or the one chosen" },
  { name: "tls.handshake.certificate.subject", type: "string", repeated: true, description: "Subject of each certificate sent in the clear (TLS 1.0-1.2), the peer's own first" },
  { name: "tls.handshake.certificate.issuer", type: "string", repeated: true, description: "Issuer of each certificate sent in the clear" },
  { name: "tls.handshake.certificate.not_after", type: "string", repeated: true, description: "End of validity of each certificate sent in the clear (ISO 8601)" },
  {
    name: "tls.handshake.certificates_encrypted",
    type: "bool",
    description: "TLS 1.3 was chosen: the certificates and the rest of the handshake are encrypted",
  },
  {
    name: "tls.handshake.key_update.request_update",
    type: "uint",
    description: "TLS 1.3 KeyUpdate (decrypted): whether the sender asks its peer to update its keys too",
    values: KEY_UPDATE_REQUESTS,
  },
  { name: "tls.alert_message.level", type: "uint", description: "Alert level", values: ALERT_LEVELS },
  { name: "tls.alert_message.desc", type: "uint", description: "Alert description", values: ALERT_NAMES },
];
