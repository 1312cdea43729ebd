/**
 * @file numbering/numbering.h
 * @brief libnumbering: phone-number inventory and lifecycle, embedded. Include this header.
 */
#ifndef NUMBERING_NUMBERING_H
#define NUMBERING_NUMBERING_H

#include "common.h"
#include "errors.h"
#include "e164.h"
#include "instance.h"
#include "store.h"
#include "sys/file.h"

#endif
