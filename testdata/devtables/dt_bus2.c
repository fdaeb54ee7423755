// SPDX-License-Identifier: GPL-2.0-only
/* mdio zorro isapnp ipack amba mipscdmm x86cpu cpu mei rapidio ulpi hdaudio sdw fslmc tbsvc typec
 * tee wmi mhi mhi_ep auxiliary ssam dfl ishtp cdx vchiq coreboot */
#include "dt_common.h"
#include <linux/uuid.h>

static const struct mdio_device_id dt_mdio_ids[] = {
	{ 0x001cc912, 0xfffffff0 },
	{ 0x01410c00, 0xfffffc00 },
	{ 0x80000001, 0x80000001 },
	{ 0, 0xffffffff - 1 },
	{ }
};
MODULE_DEVICE_TABLE(mdio, dt_mdio_ids);

static const struct zorro_device_id dt_zorro_ids[] = {
	{ 0x08770100 },
	{ ZORRO_WILDCARD },
	{ 0, 1 },
	{ }
};
MODULE_DEVICE_TABLE(zorro, dt_zorro_ids);

/* ISAPNP_VENDOR / ISAPNP_FUNCTION from <linux/isapnp.h>, spelt out */
#define DT_ISAPNP_VENDOR(a, b, c) \
	(((((a) - 0x40) & 0x3f) << 2) | ((((b) - 0x40) & 0x18) >> 3) | \
	 ((((b) - 0x40) & 7) << 13) | ((((c) - 0x40) & 0x1f) << 8))
#define DT_ISAPNP_FUNCTION(x) \
	((((x) & 0xf000) >> 8) | (((x) & 0x0f00) >> 8) | (((x) & 0x00f0) << 8) | \
	 (((x) & 0x000f) << 8))
static const struct isapnp_device_id dt_isapnp_ids[] = {
	{ ISAPNP_ANY_ID, ISAPNP_ANY_ID, DT_ISAPNP_VENDOR('C', 'T', 'L'), DT_ISAPNP_FUNCTION(0x0031) },
	{ 0, 0, DT_ISAPNP_VENDOR('A', 'Z', 'T'), DT_ISAPNP_FUNCTION(0xabcd) },
	{ 0, 0, 0xffff, 0xffff },
	{ 0, 0, 0, 0, 1 },
	{ }
};
MODULE_DEVICE_TABLE(isapnp, dt_isapnp_ids);

static const struct ipack_device_id dt_ipack_ids[] = {
	{ .format = 1, .vendor = 0xf0, .device = 0x41 },
	{ .format = IPACK_ANY_FORMAT, .vendor = IPACK_ANY_ID, .device = IPACK_ANY_ID },
	{ .format = 2, .vendor = IPACK_ANY_ID, .device = 0x12345678 },
	{ }
};
MODULE_DEVICE_TABLE(ipack, dt_ipack_ids);

static const struct amba_id dt_amba_ids[] = {
	{ .id = 0x00041011, .mask = 0x000fffff },
	{ .id = 0x000bb000, .mask = 0x000ff000 },
	{ .id = 0x12345678, .mask = 0xffffffff },
	{ .id = 0x00000000, .mask = 0x00000000, .data = (void *)1 },
	{ .id = 0x20000010, .mask = 0x3c5a6e90 },
	{ }
};
MODULE_DEVICE_TABLE(amba, dt_amba_ids);

static const struct mips_cdmm_device_id dt_mipscdmm_ids[] = {
	{ 0x12 },
	{ 0xff },
	{ }
};
MODULE_DEVICE_TABLE(mipscdmm, dt_mipscdmm_ids);

static const struct x86_cpu_id dt_x86cpu_ids[] = {
	{ .vendor = 0 /* Intel */, .family = 6, .model = 0x55, .feature = X86_FEATURE_ANY },
	{ .vendor = X86_VENDOR_ANY, .family = X86_FAMILY_ANY, .model = X86_MODEL_ANY,
	  .feature = 0x1234 },
	{ .vendor = 2, .family = 0x17, .model = X86_MODEL_ANY, .feature = 7 },
	{ .vendor = X86_VENDOR_ANY, .steppings = 3, .driver_data = 1 },
	{ }
};
MODULE_DEVICE_TABLE(x86cpu, dt_x86cpu_ids);

static const struct cpu_feature dt_cpu_ids[] = {
	{ 0x1 },
	{ 0xabcd },
	{ }
};
MODULE_DEVICE_TABLE(cpu, dt_cpu_ids);

static const struct mei_cl_device_id dt_mei_ids[] = {
	{ .name = "", .uuid = UUID_LE(0x55213584, 0x9a29, 0x4916, 0xba, 0xdf, 0x0f, 0xb7, 0xed,
				      0x68, 0x2a, 0xeb), .version = MEI_CL_VERSION_ANY },
	{ .name = "hdcp", .uuid = UUID_LE(0xb638ab7e, 0x94e2, 0x4ea2, 0xa5, 0x52, 0xd1, 0xc5, 0x4b,
					  0x62, 0x7f, 0x04), .version = 2 },
	{ .name = "x", .version = 0 },
	{ }
};
MODULE_DEVICE_TABLE(mei, dt_mei_ids);

static const struct rio_device_id dt_rapidio_ids[] = {
	{ .did = 0x1234, .vid = 0x0038, .asm_did = RIO_ANY_ID, .asm_vid = RIO_ANY_ID },
	{ .did = RIO_ANY_ID, .vid = RIO_ANY_ID, .asm_did = 1, .asm_vid = 2 },
	{ }
};
MODULE_DEVICE_TABLE(rapidio, dt_rapidio_ids);

static const struct ulpi_device_id dt_ulpi_ids[] = {
	{ 0x0451, 0x1507 },
	{ 0xabcd, 0 },
	{ }
};
MODULE_DEVICE_TABLE(ulpi, dt_ulpi_ids);

static const struct hda_device_id dt_hdaudio_ids[] = {
	{ .vendor_id = 0x10ec0269, .rev_id = 0, .api_version = 0 },
	{ .vendor_id = 0x8086280b, .rev_id = 0x100000, .api_version = 1 },
	{ .vendor_id = 0, .rev_id = 0, .api_version = 0, .name = "placeholder" },
	{ }
};
MODULE_DEVICE_TABLE(hdaudio, dt_hdaudio_ids);

static const struct sdw_device_id dt_sdw_ids[] = {
	{ .mfg_id = 0x025d, .part_id = 0x0711, .sdw_version = 0, .class_id = 0 },
	{ .mfg_id = 0x01fa, .part_id = 0x4243, .sdw_version = 2, .class_id = 1 },
	{ .driver_data = 1 },
	{ }
};
MODULE_DEVICE_TABLE(sdw, dt_sdw_ids);

static const struct fsl_mc_device_id dt_fslmc_ids[] = {
	{ .vendor = 0x1957, .obj_type = "dpni" },
	{ .vendor = 0x1957, .obj_type = "" },
	{ .vendor = 0, .obj_type = "dprc" },
	{ }
};
MODULE_DEVICE_TABLE(fslmc, dt_fslmc_ids);

static const struct tb_service_id dt_tbsvc_ids[] = {
	{ .match_flags = TBSVC_MATCH_PROTOCOL_KEY | TBSVC_MATCH_PROTOCOL_ID,
	  .protocol_key = "network", .protocol_id = 1 },
	{ .match_flags = TBSVC_MATCH_PROTOCOL_VERSION | TBSVC_MATCH_PROTOCOL_REVISION,
	  .protocol_version = 2, .protocol_revision = 3 },
	{ .match_flags = 0xf, .protocol_key = "12345678", .protocol_id = 0xffffffff,
	  .protocol_version = 0, .protocol_revision = 0 },
	{ }
};
MODULE_DEVICE_TABLE(tbsvc, dt_tbsvc_ids);

static const struct typec_device_id dt_typec_ids[] = {
	{ .svid = 0xff01, .mode = 1 },
	{ .svid = 0x8087, .mode = TYPEC_ANY_MODE },
	{ .svid = 0, .mode = 0, .driver_data = 1 },
	{ }
};
MODULE_DEVICE_TABLE(typec, dt_typec_ids);

static const struct tee_client_device_id dt_tee_ids[] = {
	{ UUID_INIT(0xab7a617c, 0xb8e7, 0x4d8f, 0x83, 0x01, 0xd0, 0x9b, 0x61, 0x03, 0x6b, 0x64) },
	{ UUID_INIT(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff) },
	{ }
};
MODULE_DEVICE_TABLE(tee, dt_tee_ids);

static const struct wmi_device_id dt_wmi_ids[] = {
	{ .guid_string = "ABBC0F6F-8EA1-11D1-00A0-C90629100000" },
	{ .guid_string = "05901221-D566-11d1-b2f0-00a0c9062910" },
	{ }
};
MODULE_DEVICE_TABLE(wmi, dt_wmi_ids);

static const struct mhi_device_id dt_mhi_ids[] = {
	{ .chan = "IPCR" },
	{ .chan = "QMI0", .driver_data = 1 },
	{ }
};
MODULE_DEVICE_TABLE(mhi, dt_mhi_ids);

static const struct mhi_device_id dt_mhi_ep_ids[] = {
	{ .chan = "IP_SW0" },
	{ .chan = "", .driver_data = 2 },
	{ }
};
MODULE_DEVICE_TABLE(mhi_ep, dt_mhi_ep_ids);

static const struct auxiliary_device_id dt_auxiliary_ids[] = {
	{ .name = "mlx5_core.eth" },
	{ .name = "snd_soc_sof_intel.hda" },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, dt_auxiliary_ids);

static const struct ssam_device_id dt_ssam_ids[] = {
	{ .match_flags = SSAM_MATCH_TARGET | SSAM_MATCH_INSTANCE | SSAM_MATCH_FUNCTION,
	  .domain = 0x01, .category = 0x02, .target = 0x01, .instance = 0x00, .function = 0x01 },
	{ .match_flags = 0, .domain = 0x02, .category = 0x15, .target = 0x07 },
	{ .match_flags = SSAM_MATCH_INSTANCE, .domain = 0, .category = 0, .instance = 0xfe },
	{ }
};
MODULE_DEVICE_TABLE(ssam, dt_ssam_ids);

static const struct dfl_device_id dt_dfl_ids[] = {
	{ 0, 0xe },
	{ 1, 0x25 },
	{ 0xffff, 0xffff },
	{ }
};
MODULE_DEVICE_TABLE(dfl, dt_dfl_ids);

static const struct ishtp_device_id dt_ishtp_ids[] = {
	{ .guid = GUID_INIT(0x33ae4fc8, 0xe6b6, 0x4a0f, 0xa2, 0x6f, 0x0c, 0xb6, 0xfc, 0xcc, 0x71,
			    0x5d) },
	{ .guid = GUID_INIT(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), .driver_data = 1 },
	{ }
};
MODULE_DEVICE_TABLE(ishtp, dt_ishtp_ids);

static const struct cdx_device_id dt_cdx_ids[] = {
	{ .vendor = 0x10ee, .device = 0x8084, .subvendor = CDX_ANY_ID, .subdevice = CDX_ANY_ID },
	{ .vendor = CDX_ANY_ID, .device = CDX_ANY_ID, .subvendor = 1, .subdevice = 2,
	  .class = 0x0c0330, .class_mask = 0xffffff },
	{ .vendor = 1, .device = 2, .class = 0x123456, .class_mask = 0xffff00,
	  .override_only = CDX_ID_F_VFIO_DRIVER_OVERRIDE },
	{ }
};
MODULE_DEVICE_TABLE(cdx, dt_cdx_ids);

static const struct vchiq_device_id dt_vchiq_ids[] = {
	{ "bcm2835-audio" },
	{ "bcm2835-camera" },
	{ }
};
MODULE_DEVICE_TABLE(vchiq, dt_vchiq_ids);

static const struct coreboot_device_id dt_coreboot_ids[] = {
	{ .tag = 0x10 },
	{ .tag = 0xdeadbeef },
	{ }
};
MODULE_DEVICE_TABLE(coreboot, dt_coreboot_ids);

DT_MODULE_BOILERPLATE("file2alias fixture: buses part 2");
