#include "pseudonym.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "text_fold.h"

int crypto_start(void)
{
	return OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) && OSSL_LIB_CTX_get0_global_default() ? 0 : -1;
}

/* Keys key->mac with key->bytes: 0, EX_OSERR (out of memory) or EX_SOFTWARE (no
 * HMAC in this OpenSSL), the key wiped on failure.  Keyed once: HMAC's inner and
 * outer pads are computed here, not for every id. */
static int key_mac(struct pseudonym_key *key)
{
	errno = 0;
	EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *context = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
	EVP_MAC_free(hmac);
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
	                       OSSL_PARAM_construct_end()};
	if (!context || !EVP_MAC_init(context, key->bytes, key->length, params)) {
		int out_of_memory = errno == ENOMEM;
		EVP_MAC_CTX_free(context);
		pseudonym_key_wipe(key);
		return out_of_memory ? EX_OSERR : EX_SOFTWARE;
	}
	key->mac = context;
	return 0;
}

int pseudonym_key_load(const char *path, struct pseudonym_key *key, char *error, size_t error_size)
{
	memset(key, 0, sizeof *key);
	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer for ever. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat st;
	if (fd < 0) {
		snprintf(error, error_size, "%s: cannot read key file: %s", path, strerror(errno));
		return errno == ENOENT ? EX_NOINPUT : EX_NOPERM;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(error, error_size, "%s: the key file must be a regular file", path);
		close(fd);
		return EX_NOPERM;
	}
	if (st.st_mode & 077) {
		snprintf(error, error_size, "%s is readable by group or others (mode %04o); run chmod 600 %s", path,
		         (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return EX_NOPERM;
	}
	ssize_t got = read(fd, key->bytes, sizeof key->bytes);
	close(fd);
	if (got < PSEUDONYM_KEY_MIN) {
		snprintf(error, error_size, "%s: a key needs at least %d bytes (make one: head -c 32 /dev/urandom > %s)",
		         path, PSEUDONYM_KEY_MIN, path);
		pseudonym_key_wipe(key);
		return EX_DATAERR;
	}
	key->length = (size_t)got;
	int status = key_mac(key);
	if (status == EX_OSERR)
		snprintf(error, error_size, "%s: out of memory", path);
	else if (status)
		snprintf(error, error_size, "%s: this system's OpenSSL cannot compute HMAC-SHA256", path);
	return status;
}

/* length bytes from the kernel's generator: 0, or -1 with errno set.  Not OpenSSL's
 * RAND_bytes: starting OpenSSL's generator took a tool's whole start-up time again
 * (a third of a run on a 1 MB export), for keys that live a few milliseconds. */
static int random_bytes(unsigned char *into, size_t length)
{
	while (length > 0) {
		ssize_t got = getrandom(into, length, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		into += got;
		length -= (size_t)got;
	}
	return 0;
}

int pseudonym_key_random(struct pseudonym_key *key, char *error, size_t error_size)
{
	_Static_assert(sizeof key->bytes >= crypto_shorthash_KEYBYTES, "a SipHash key fits a pseudonym key");
	memset(key, 0, sizeof *key);
	key->length = crypto_shorthash_KEYBYTES;
	if (sodium_init() < 0) {
		snprintf(error, error_size, "libsodium could not start (no random bytes for a key)");
		pseudonym_key_wipe(key);
		return EX_OSERR;
	}
	if (random_bytes(key->bytes, key->length) < 0) {
		snprintf(error, error_size, "no random bytes for a key from this system: %s", strerror(errno));
		pseudonym_key_wipe(key);
		return EX_OSERR;
	}
	return 0; /* no mac: pseudonym_of() hashes with SipHash-2-4 */
}

int response_key_random(struct response_key *key)
{
	_Static_assert(sizeof key->bytes == crypto_shorthash_KEYBYTES, "SipHash-2-4 takes a 16-byte key");
	if (sodium_init() < 0 || random_bytes(key->bytes, sizeof key->bytes) < 0) {
		OPENSSL_cleanse(key, sizeof *key);
		return -1;
	}
	return 0;
}

uint64_t response_key_hash(const struct response_key *key, const char *id, size_t length)
{
	_Static_assert(crypto_shorthash_BYTES == 8, "SipHash-2-4 gives 8 bytes");
	unsigned char hash[crypto_shorthash_BYTES];
	crypto_shorthash(hash, (const unsigned char *)id, length, key->bytes);
	return digest_value(hash);
}

uint64_t digest_value(const unsigned char *digest)
{
	uint64_t value = 0;
	for (int i = 0; i < 8; i++)
		value |= (uint64_t)digest[i] << (8 * i);
	return value;
}

void response_key_wipe(struct response_key *key) { OPENSSL_cleanse(key, sizeof *key); }

int pseudonym_key_copy(struct pseudonym_key *copy, const struct pseudonym_key *key)
{
	*copy = *key;
	if (!key->mac)
		return 0; /* a run's key: its bytes are all there is */
	copy->mac = EVP_MAC_CTX_dup(key->mac);
	if (!copy->mac) {
		OPENSSL_cleanse(copy, sizeof *copy);
		return -1;
	}
	return 0;
}

void pseudonym_key_wipe(struct pseudonym_key *key)
{
	EVP_MAC_CTX_free(key->mac);
	OPENSSL_cleanse(key, sizeof *key);
}

int pseudonym_of(const struct pseudonym_key *key, const char *kind, const char *identifier, size_t length,
                 uint64_t *pseudonym)
{
	unsigned char message[512], digest[EVP_MAX_MD_SIZE];
	size_t kind_length = strlen(kind);
	if (kind_length + 1 + length > sizeof message)
		length = sizeof message - kind_length - 1;
	memcpy(message, kind, kind_length);
	message[kind_length] = ':';
	memcpy(message + kind_length + 1, identifier, length);
	if (!key->mac) {
		/* a run's key (pseudonym_key_random): SipHash-2-4, as response_key_hash */
		unsigned char hash[crypto_shorthash_BYTES];
		crypto_shorthash(hash, message, kind_length + 1 + length, key->bytes);
		OPENSSL_cleanse(message, kind_length + 1 + length);
		*pseudonym = digest_value(hash);
		OPENSSL_cleanse(hash, sizeof hash);
		return 0;
	}
	size_t digest_length = 0;
	/* A NULL key re-initialises the context with the key it already holds. */
	int ok = EVP_MAC_init(key->mac, NULL, 0, NULL) && EVP_MAC_update(key->mac, message, kind_length + 1 + length) &&
	         EVP_MAC_final(key->mac, digest, &digest_length, sizeof digest) && digest_length >= 8;
	OPENSSL_cleanse(message, kind_length + 1 + length); /* what was copied in: the rest was never written */
	if (!ok) {
		OPENSSL_cleanse(digest, sizeof digest);
		return -1;
	}
	*pseudonym = digest_value(digest);
	OPENSSL_cleanse(digest, sizeof digest);
	return 0;
}

int pseudonym_key_fingerprint(const struct pseudonym_key *key, char out[17])
{
	static const char constant[] = "ifs key fingerprint";
	uint64_t value;
	if (pseudonym_of(key, "fingerprint", constant, sizeof constant - 1, &value) < 0)
		return -1;
	snprintf(out, 17, "%016llx", (unsigned long long)value);
	return 0;
}

enum personnummer_result pseudonym_of_participant(const struct pseudonym_key *key, const char *identifier,
                                                  size_t length, uint32_t reference, uint64_t *pseudonym)
{
	char normalised[13], code[256];
	enum personnummer_result result = personnummer_normalise(identifier, length, reference, normalised);
	if (result == PERSONNUMMER_VALID) {
		if (pseudonym_of(key, "pnr", normalised, 12, pseudonym) < 0)
			result = PERSONNUMMER_UNCOMPUTED;
	} else if (result == PERSONNUMMER_NOT) {
		size_t folded = text_fold(identifier, length, code, sizeof code);
		if (pseudonym_of(key, "code", code, folded, pseudonym) < 0)
			result = PERSONNUMMER_UNCOMPUTED;
	}
	OPENSSL_cleanse(normalised, sizeof normalised);
	OPENSSL_cleanse(code, sizeof code);
	return result;
}
