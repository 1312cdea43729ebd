/* Signed amounts (ledger adjustments), beside numbering/money.h's prices. */
#ifndef NUMBERING_MODEL_MONEY_H
#define NUMBERING_MODEL_MONEY_H

#include <stdint.h>

/* numbering_money_parse() of an amount with an optional leading '-' (a debit) into
 * *minor_units (0 on failure). A debit's refusal is INVALID_ARGUMENT naming "amount"
 * and quoting @amount whole, its bytes counted from the '-'; a credit's is a price's. */
int numbering__money_parse_signed(int64_t *minor_units, const char *currency_code, const char *amount);

#endif
