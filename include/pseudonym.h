/*
 * pseudonym.h — keyed pseudonyms for participants (HMAC-SHA256, OpenSSL libcrypto;
 * a run's own key: SipHash-2-4, libsodium).
 *
 * Promise: the same identifier under the same key always gives the same 64-bit
 * pseudonym, and without the key nobody can go back from it — not even by
 * trying every personnummer.  The key file must be readable by its owner only;
 * anything else is refused before it is read.
 */
#ifndef IFS_PSEUDONYM_H
#define IFS_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

#include "personnummer.h"

#define PSEUDONYM_KEY_MIN 16
#define PSEUDONYM_KEY_MAX 1024

/*
 * Starts OpenSSL and its default library context, and says whether that worked.
 * Called by every tool that hashes before it reads any input: OpenSSL 3 starts
 * lazily on first use, and when memory runs out in that start it crashes
 * instead of failing; started here, the failure is a clean error.  0 or -1.
 */
int crypto_start(void);

struct pseudonym_key {
	unsigned char bytes[PSEUDONYM_KEY_MAX];
	size_t length;
	void *mac; /* OpenSSL's HMAC-SHA256 context, keyed once when the key is loaded; NULL in
	            * a run's own key (pseudonym_key_random), hashed with SipHash */
};

/* 0, or a sysexits status (66 missing, 77 readable by others, 65 too short, 70
 * no HMAC in this OpenSSL) with a message naming the file in error.  A loaded key
 * holds OpenSSL state: pseudonym_key_wipe() it when done. */
int pseudonym_key_load(const char *path, struct pseudonym_key *key, char *error, size_t error_size);
void pseudonym_key_wipe(struct pseudonym_key *key);
/* A key of 16 random bytes (the kernel's getrandom) that lives only as long as this
 * process, for telling the same person again within one run where no pseudonym is
 * written (ifs-shares reading exports, ifs-survey's repeat check without a key):
 * never the same twice, so nothing made with it can be joined to anything later.
 * pseudonym_of() hashes under it with SipHash-2-4 (libsodium), not HMAC-SHA256:
 * nothing it makes leaves the process, and it needs no OpenSSL.  0, or EX_OSERR
 * with the reason in error. */
int pseudonym_key_random(struct pseudonym_key *key, char *error, size_t error_size);
/* A second key like key, with its own HMAC context: pseudonym_of() re-initialises the
 * context it is given, so a key is used by one thread at a time, and a second thread
 * needs a copy.  0, or -1 (out of memory) with copy wiped.  Wipe the copy too. */
int pseudonym_key_copy(struct pseudonym_key *copy, const struct pseudonym_key *key);

/*
 * A key of the run alone for the response ids of exports whose records never leave
 * the process and never meet a stream's (ifs-shares given exports only): they are
 * hashed with SipHash-2-4 (libsodium's crypto_shorthash) under it, several times
 * cheaper than the SHA-256 that ids carry in a stream, and keyed, so that no
 * export can be made whose ids collide.  response_key_random: 0, or -1 when the
 * system gives no random bytes.  Wipe the key when done.
 */
struct response_key {
	unsigned char bytes[16];
};
int response_key_random(struct response_key *key);
uint64_t response_key_hash(const struct response_key *key, const char *id, size_t length);
void response_key_wipe(struct response_key *key);

/* The first eight bytes of a digest as the 64-bit value every hash here keeps
 * (little-endian: the same on every machine). */
uint64_t digest_value(const unsigned char *digest);

/* kind separates name spaces ("pnr", "code"), so a code never collides with a number.
 * 0 with *pseudonym set, or -1 when OpenSSL fails (out of memory): the caller must
 * end the run, as a made-up pseudonym would pair strangers. */
int pseudonym_of(const struct pseudonym_key *key, const char *kind, const char *identifier, size_t length,
                 uint64_t *pseudonym);

/* 16 hex digits that name the key without revealing it (the keyed hash of a
 * constant), so a store can tell that its snapshots were made under another key.
 * 0, or -1 when OpenSSL fails. */
int pseudonym_key_fingerprint(const struct pseudonym_key *key, char out[17]);

/*
 * The pseudonym of a participant identifier as an export writes it: a
 * personnummer in any written form is normalised first (name space "pnr"), so
 * its forms agree; anything else is a local participant code, compared ignoring
 * case and surrounding space ("code").  reference is the questionnaire's date
 * (YYYYMMDD), which fixes the century of the short forms.  PERSONNUMMER_VALID or
 * PERSONNUMMER_NOT with *pseudonym set; PERSONNUMMER_BAD_CHECK or _BAD_DATE when
 * it is shaped like a personnummer but is none, and must not be used;
 * PERSONNUMMER_UNCOMPUTED when pseudonym_of() failed.
 */
enum personnummer_result pseudonym_of_participant(const struct pseudonym_key *key, const char *identifier,
                                                  size_t length, uint32_t reference, uint64_t *pseudonym);

#endif
