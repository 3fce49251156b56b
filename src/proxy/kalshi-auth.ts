import { constants, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import type { RequestSigner } from './upstream';

/**
 * Optional Kalshi request signing: KALSHI-ACCESS-SIGNATURE is RSA-PSS/SHA-256 (salt length =
 * digest length) over `timestampMs + METHOD + path` (path without query), base64. The key
 * stays in this closure: it is never logged, cached or returned.
 */
export function kalshiSigner(keyId: string, privateKeyPem: string, now: () => number): RequestSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (e) {
    // The PEM itself must not reach the message.
    throw new Error(`Kalshi private key could not be read (${(e as NodeJS.ErrnoException).code ?? 'invalid PEM'})`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`Kalshi private key must be RSA (got ${key.asymmetricKeyType})`);
  return (method: string, url: URL) => {
    const timestamp = String(Math.floor(now()));
    const message = `${timestamp}${method.toUpperCase()}${url.pathname}`;
    const signature = sign('sha256', Buffer.from(message), {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    }).toString('base64');
    return {
      'KALSHI-ACCESS-KEY': keyId,
      'KALSHI-ACCESS-SIGNATURE': signature,
      'KALSHI-ACCESS-TIMESTAMP': timestamp,
    };
  };
}
