// SPDX-License-Identifier: GPL-2.0-only
/*
 * kocrypto - a Call Trace through an in-tree multi-object module (kbuild/tests/consumers.sh).
 * It registers a dummy cipher whose cra_init dumps the stack, then allocates it:
 * crypto.ko (api.o, cipher.o, compress.o) calls cra_init from crypto/api.c, so the trace
 * shows crypto/api.c frames with [crypto].
 */
#include <crypto/algapi.h>
#include <linux/crypto.h>
#include <linux/module.h>
#include <linux/printk.h>

static int kocrypto_cra_init(struct crypto_tfm *tfm)
{
	pr_info("kocrypto: cra_init caller=%pS\n", __builtin_return_address(0));
	dump_stack();
	return 0;
}

static int kocrypto_setkey(struct crypto_tfm *tfm, const u8 *key, unsigned int keylen)
{
	return 0;
}

static void kocrypto_crypt(struct crypto_tfm *tfm, u8 *dst, const u8 *src)
{
	memcpy(dst, src, 16);
}

static struct crypto_alg kocrypto_alg = {
	.cra_name = "kocrypto",
	.cra_driver_name = "kocrypto-generic",
	.cra_priority = 100,
	.cra_flags = CRYPTO_ALG_TYPE_CIPHER,
	.cra_blocksize = 16,
	.cra_ctxsize = 0,
	.cra_module = THIS_MODULE,
	.cra_init = kocrypto_cra_init,
	.cra_u = { .cipher = {
		.cia_min_keysize = 1,
		.cia_max_keysize = 32,
		.cia_setkey = kocrypto_setkey,
		.cia_encrypt = kocrypto_crypt,
		.cia_decrypt = kocrypto_crypt,
	} },
};

static int __init kocrypto_init(void)
{
	struct crypto_tfm *tfm;
	int err = crypto_register_alg(&kocrypto_alg);

	if (err)
		return err;
	tfm = crypto_alloc_base("kocrypto", CRYPTO_ALG_TYPE_CIPHER, CRYPTO_ALG_TYPE_MASK);
	if (IS_ERR(tfm)) {
		crypto_unregister_alg(&kocrypto_alg);
		return PTR_ERR(tfm);
	}
	crypto_free_tfm(tfm);
	return 0;
}

static void __exit kocrypto_exit(void)
{
	crypto_unregister_alg(&kocrypto_alg);
}

module_init(kocrypto_init);
module_exit(kocrypto_exit);
MODULE_DESCRIPTION("Call Trace through crypto.ko for the .kallsyms_paths tests");
MODULE_LICENSE("GPL");
