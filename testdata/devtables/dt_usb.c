// SPDX-License-Identifier: GPL-2.0-only
/* usb: bcdDevice ranges (BCD and hex), class/interface matches, placeholder entries. */
#include "dt_common.h"

#define VP (USB_DEVICE_ID_MATCH_VENDOR | USB_DEVICE_ID_MATCH_PRODUCT)
#define VER (VP | USB_DEVICE_ID_MATCH_DEV_LO | USB_DEVICE_ID_MATCH_DEV_HI)
#define RANGE(lo, hi) { .match_flags = VER, .idVendor = 0x1234, .idProduct = 0x5678, \
			.bcdDevice_lo = (lo), .bcdDevice_hi = (hi) }

static const struct usb_device_id dt_usb_ids[] = {
	{ .match_flags = VP, .idVendor = 0x046d, .idProduct = 0xc52b },
	RANGE(0x0100, 0x0200),
	RANGE(0x0000, 0x9999),
	RANGE(0x0123, 0x0456),
	RANGE(0x0009, 0x0010),
	RANGE(0x0199, 0x0200),
	RANGE(0x0000, 0x00ff),
	RANGE(0x1a00, 0x1bff),
	RANGE(0x0000, 0x0000),
	RANGE(0x0500, 0x0500),
	RANGE(0x0300, 0x0200),
	RANGE(0x0001, 0xffff),
	RANGE(0x0090, 0x0110),
	RANGE(0x2000, 0x2999),
	RANGE(0x000a, 0x000f),
	RANGE(0x0005, 0x000c),
	RANGE(0x9998, 0x9999),
	{ .match_flags = VP | USB_DEVICE_ID_MATCH_DEV_LO, .idVendor = 0x1, .idProduct = 0x2,
	  .bcdDevice_lo = 0x0250 },
	{ .match_flags = VP | USB_DEVICE_ID_MATCH_DEV_HI, .idVendor = 0x1, .idProduct = 0x3,
	  .bcdDevice_hi = 0x0250 },
	{ .match_flags = VP | USB_DEVICE_ID_MATCH_DEV_LO, .idVendor = 0x1, .idProduct = 0x4,
	  .bcdDevice_lo = 0x00a0 },
	{ .match_flags = USB_DEVICE_ID_MATCH_DEV_CLASS | USB_DEVICE_ID_MATCH_DEV_SUBCLASS |
			 USB_DEVICE_ID_MATCH_DEV_PROTOCOL,
	  .bDeviceClass = 0xe0, .bDeviceSubClass = 0x01, .bDeviceProtocol = 0x01 },
	{ .match_flags = USB_DEVICE_ID_MATCH_INT_CLASS | USB_DEVICE_ID_MATCH_INT_SUBCLASS |
			 USB_DEVICE_ID_MATCH_INT_PROTOCOL,
	  .bInterfaceClass = 0x03, .bInterfaceSubClass = 0x01, .bInterfaceProtocol = 0x02 },
	{ .match_flags = VP | USB_DEVICE_ID_MATCH_INT_NUMBER, .idVendor = 0x12d1,
	  .idProduct = 0x1506, .bInterfaceNumber = 3 },
	{ .match_flags = USB_DEVICE_ID_MATCH_VENDOR | USB_DEVICE_ID_MATCH_INT_CLASS,
	  .idVendor = 0x0bda, .bInterfaceClass = 0xff },
	/* visor-style placeholder: all match fields zero, only driver_info set */
	{ .driver_info = 1 },
	/* placeholder with flags but zero ids is skipped too */
	{ .match_flags = VER, .bcdDevice_lo = 1, .bcdDevice_hi = 2, .driver_info = 2 },
	{ .match_flags = USB_DEVICE_ID_MATCH_INT_CLASS, .bInterfaceClass = 0x08 },
	{ }
};
MODULE_DEVICE_TABLE(usb, dt_usb_ids);

/* Second usb table in the same module: aliases continue in symbol-table order. */
static const struct usb_device_id dt_usb_more[] = {
	{ .match_flags = 0xffff, .idVendor = 0xffff, .idProduct = 0xffff, .bcdDevice_lo = 0x0000,
	  .bcdDevice_hi = 0xffff, .bDeviceClass = 0xff, .bDeviceSubClass = 0xff,
	  .bDeviceProtocol = 0xff, .bInterfaceClass = 0xff, .bInterfaceSubClass = 0xff,
	  .bInterfaceProtocol = 0xff, .bInterfaceNumber = 0xff },
	RANGE(0x0f00, 0x10ff),
	RANGE(0x0010, 0x0019),
	RANGE(0x0000, 0x0001),
	{ }
};
MODULE_DEVICE_TABLE(usb, dt_usb_more);

DT_MODULE_BOILERPLATE("file2alias fixture: usb");
