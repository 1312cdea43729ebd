/*
 * gen-e164-metadata: writes libnumbering's country table (lib/e164/metadata-table.c)
 * and the differential fixture (tests/data/e164-differential.tsv) from the metadata
 * compiled into libphonenumber, and checks both against libphonenumber itself.
 *
 *   gen-e164-metadata --source "libphonenumber 8.12.57" \
 *       [--table metadata-table.c] [--fixture e164-differential.tsv]
 *
 * Output is deterministic: the same libphonenumber gives byte-identical files.
 * Diagnostics and the self-check summary go to stderr. See README.md.
 */
#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace i18n {
namespace phonenumbers {
/* The serialized PhoneMetadataCollection compiled into libphonenumber (metadata.h,
 * not installed by Debian; the symbols are exported). */
int metadata_size();
const void *metadata_get();
} // namespace phonenumbers
} // namespace i18n

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;
using std::string;
using std::vector;

namespace {

/* A regular expression that expands to more literal strings than this is not a prefix
 * list a parser should scan; such alternatives are dropped with a warning. */
const size_t kMaxExpansion = 256;

/* The fixture's random choices (added digits, which IDD to use) come from this seed. */
const uint64_t kSeed = 0x6e756d626572696eULL; /* "numberin" */

/* ------------------------------------------------------------------------------------ */
/* Expanding the small regular-expression subset used by prefix patterns.               */

/*
 * Digits, [..] classes of digits and ranges, \d, (?:..|..) and (..|..) groups, and the
 * quantifiers ?, {n} and {n,m}. Anything else (anchors, *, +, ., backreferences) makes
 * the pattern unexpandable.
 */
class Expander {
public:
	Expander(const string &re, size_t limit) : re_(re), limit_(limit) {}

	bool Run(vector<string> *out)
	{
		pos_ = 0;
		if (!Alternation(out))
			return false;
		if (pos_ != re_.size())
			return Fail("unbalanced ')'");
		std::sort(out->begin(), out->end());
		out->erase(std::unique(out->begin(), out->end()), out->end());
		return true;
	}

	bool has_capture() const { return capture_; }
	bool too_many() const { return too_many_; }
	size_t needed() const { return needed_; }
	const string &error() const { return error_; }

private:
	bool Fail(const string &why)
	{
		if (error_.empty())
			error_ = why + " at offset " + std::to_string(pos_);
		return false;
	}

	bool TooMany(size_t n)
	{
		too_many_ = true;
		needed_ = std::max(needed_, n);
		return Fail("expands to " + std::to_string(n) + " or more strings");
	}

	static void Dedupe(vector<string> *v)
	{
		std::sort(v->begin(), v->end());
		v->erase(std::unique(v->begin(), v->end()), v->end());
	}

	bool Alternation(vector<string> *out)
	{
		out->clear();
		for (;;) {
			vector<string> seq;
			if (!Sequence(&seq))
				return false;
			out->insert(out->end(), seq.begin(), seq.end());
			Dedupe(out);
			if (out->size() > limit_)
				return TooMany(out->size());
			if (pos_ < re_.size() && re_[pos_] == '|') {
				pos_++;
				continue;
			}
			return true;
		}
	}

	bool Sequence(vector<string> *out)
	{
		*out = {""};
		while (pos_ < re_.size() && re_[pos_] != '|' && re_[pos_] != ')') {
			vector<string> atom;
			if (!Atom(&atom) || !Quantifier(&atom))
				return false;
			if (out->size() * atom.size() > limit_)
				return TooMany(out->size() * atom.size());
			vector<string> next;
			for (const string &a : *out)
				for (const string &b : atom)
					next.push_back(a + b);
			Dedupe(&next);
			*out = next;
		}
		return true;
	}

	static vector<string> AllDigits()
	{
		vector<string> v;
		for (char c = '0'; c <= '9'; c++)
			v.push_back(string(1, c));
		return v;
	}

	bool Atom(vector<string> *out)
	{
		char c = re_[pos_];
		if (c >= '0' && c <= '9') {
			pos_++;
			*out = {string(1, c)};
			return true;
		}
		if (c == '\\') {
			if (pos_ + 1 < re_.size() && re_[pos_ + 1] == 'd') {
				pos_ += 2;
				*out = AllDigits();
				return true;
			}
			return Fail("unsupported escape");
		}
		if (c == '[')
			return Class(out);
		if (c == '(') {
			pos_++;
			if (re_.compare(pos_, 2, "?:") == 0)
				pos_ += 2;
			else
				capture_ = true;
			if (!Alternation(out))
				return false;
			if (pos_ >= re_.size() || re_[pos_] != ')')
				return Fail("unclosed group");
			pos_++;
			return true;
		}
		return Fail(string("unsupported '") + c + "'");
	}

	bool Class(vector<string> *out)
	{
		pos_++;
		if (pos_ < re_.size() && re_[pos_] == '^')
			return Fail("negated class");
		std::set<char> chars;
		while (pos_ < re_.size() && re_[pos_] != ']') {
			char c = re_[pos_];
			if (c == '\\' && pos_ + 1 < re_.size() && re_[pos_ + 1] == 'd') {
				for (char d = '0'; d <= '9'; d++)
					chars.insert(d);
				pos_ += 2;
				continue;
			}
			if (c < '0' || c > '9')
				return Fail("non-digit in a class");
			if (pos_ + 2 < re_.size() && re_[pos_ + 1] == '-' && re_[pos_ + 2] >= '0' && re_[pos_ + 2] <= '9') {
				for (char d = c; d <= re_[pos_ + 2]; d++)
					chars.insert(d);
				pos_ += 3;
				continue;
			}
			chars.insert(c);
			pos_++;
		}
		if (pos_ >= re_.size())
			return Fail("unclosed class");
		pos_++;
		out->clear();
		for (char d : chars)
			out->push_back(string(1, d));
		return true;
	}

	bool Quantifier(vector<string> *atom)
	{
		if (pos_ >= re_.size())
			return true;
		size_t lo, hi;
		char c = re_[pos_];
		if (c == '?') {
			lo = 0;
			hi = 1;
			pos_++;
		} else if (c == '{') {
			size_t close = re_.find('}', pos_);
			if (close == string::npos)
				return Fail("unclosed {");
			string body = re_.substr(pos_ + 1, close - pos_ - 1);
			size_t comma = body.find(',');
			char *end = nullptr;
			lo = strtoul(body.c_str(), &end, 10);
			if (comma == string::npos) {
				hi = lo;
			} else if (comma + 1 == body.size()) {
				return Fail("unbounded repetition");
			} else {
				hi = strtoul(body.c_str() + comma + 1, &end, 10);
			}
			if (hi < lo || hi > 32)
				return Fail("bad repetition");
			pos_ = close + 1;
		} else if (c == '*' || c == '+') {
			return Fail("unbounded repetition");
		} else {
			return true;
		}
		if (pos_ < re_.size() && (re_[pos_] == '?' || re_[pos_] == '+'))
			return Fail("lazy or possessive quantifier");
		vector<string> result, power = {""};
		for (size_t k = 0; k <= hi; k++) {
			if (k >= lo)
				result.insert(result.end(), power.begin(), power.end());
			if (k == hi)
				break;
			if (power.size() * atom->size() > limit_)
				return TooMany(power.size() * atom->size());
			vector<string> next;
			for (const string &p : power)
				for (const string &a : *atom)
					next.push_back(p + a);
			Dedupe(&next);
			power = next;
		}
		Dedupe(&result);
		if (result.size() > limit_)
			return TooMany(result.size());
		*atom = result;
		return true;
	}

	const string &re_;
	size_t limit_;
	size_t pos_ = 0;
	bool capture_ = false;
	bool too_many_ = false;
	size_t needed_ = 0;
	string error_;
};

/* Splits a pattern on the '|' that are outside groups and classes. */
vector<string> SplitTopLevel(const string &re)
{
	vector<string> parts;
	string cur;
	int depth = 0;
	bool in_class = false;
	for (size_t i = 0; i < re.size(); i++) {
		char c = re[i];
		if (c == '\\' && i + 1 < re.size()) {
			cur += c;
			cur += re[++i];
			continue;
		}
		if (in_class) {
			in_class = c != ']';
		} else if (c == '[') {
			in_class = true;
		} else if (c == '(') {
			depth++;
		} else if (c == ')') {
			depth--;
		} else if (c == '|' && depth == 0) {
			parts.push_back(cur);
			cur.clear();
			continue;
		}
		cur += c;
	}
	parts.push_back(cur);
	return parts;
}

/* Longest first, then lexicographic. */
void SortPrefixes(vector<string> *v)
{
	std::sort(v->begin(), v->end(), [](const string &a, const string &b) {
		if (a.size() != b.size())
			return a.size() > b.size();
		return a < b;
	});
	v->erase(std::unique(v->begin(), v->end()), v->end());
}

/* ------------------------------------------------------------------------------------ */
/* The table.                                                                           */

enum Verdict { POSSIBLE, POSSIBLE_LOCAL_ONLY, TOO_SHORT, INVALID_LENGTH, TOO_LONG };

const char *LpnVerdictName(int v)
{
	static const char *const names[] = {"IS_POSSIBLE", "IS_POSSIBLE_LOCAL_ONLY", "TOO_SHORT", "INVALID_LENGTH",
	                                    "TOO_LONG"};
	return names[v];
}

const char *ValidationName(PhoneNumberUtil::ValidationResult r)
{
	switch (r) {
	case PhoneNumberUtil::IS_POSSIBLE:
		return "IS_POSSIBLE";
	case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
		return "IS_POSSIBLE_LOCAL_ONLY";
	case PhoneNumberUtil::INVALID_COUNTRY_CODE:
		return "INVALID_COUNTRY_CODE";
	case PhoneNumberUtil::TOO_SHORT:
		return "TOO_SHORT";
	case PhoneNumberUtil::INVALID_LENGTH:
		return "INVALID_LENGTH";
	case PhoneNumberUtil::TOO_LONG:
		return "TOO_LONG";
	}
	return "UNKNOWN";
}

const char *ErrorName(PhoneNumberUtil::ErrorType e)
{
	switch (e) {
	case PhoneNumberUtil::NO_PARSING_ERROR:
		return "OK";
	case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
		return "INVALID_COUNTRY_CODE_ERROR";
	case PhoneNumberUtil::NOT_A_NUMBER:
		return "NOT_A_NUMBER";
	case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
		return "TOO_SHORT_AFTER_IDD";
	case PhoneNumberUtil::TOO_SHORT_NSN:
		return "TOO_SHORT_NSN";
	case PhoneNumberUtil::TOO_LONG_NSN:
		return "TOO_LONG_NSN";
	}
	return "UNKNOWN_ERROR";
}

struct Region {
	string code;              /* "AU", or "001" for a non-geographic code */
	int cc = 0;
	const PhoneMetadata *md = nullptr;
	vector<string> trunk;     /* longest first */
	vector<string> idd;       /* longest first, then lexicographic */
	string trunk_note;        /* why trunk came from national_prefix, if it did */
	vector<string> idd_notes; /* alternatives dropped, if any */
};

struct Country {
	int cc = 0;
	int first = 0;
	int count = 0;
	uint32_t possible = 0;
	uint32_t local_only = 0;
};

struct Table {
	string source;
	vector<Country> countries;          /* sorted by cc */
	vector<Region> regions;             /* grouped by cc, main region first */
	vector<int> by_code;                /* region indexes sorted by code */
	int country_index[1000];
	std::map<string, int> region_index; /* geographic regions by code */
	vector<string> warnings;
};

const PhoneNumberDesc *TypeDescs(const PhoneMetadata &md, int i)
{
	switch (i) {
	case 0:
		return &md.fixed_line();
	case 1:
		return &md.mobile();
	case 2:
		return &md.toll_free();
	case 3:
		return &md.premium_rate();
	case 4:
		return &md.shared_cost();
	case 5:
		return &md.personal_number();
	case 6:
		return &md.voip();
	case 7:
		return &md.pager();
	case 8:
		return &md.uan();
	case 9:
		return &md.voicemail();
	default:
		return nullptr;
	}
}

void Warn(Table *t, const string &msg)
{
	fprintf(stderr, "gen-e164-metadata: warning: %s\n", msg.c_str());
	t->warnings.push_back(msg);
}

void ExpandTrunk(Table *t, Region *r)
{
	const string &npp = r->md->national_prefix_for_parsing();
	const string &np = r->md->national_prefix();
	if (!npp.empty()) {
		Expander e(npp, kMaxExpansion);
		vector<string> v;
		bool ok = e.Run(&v) && !e.has_capture();
		for (const string &s : v)
			ok = ok && !s.empty();
		if (ok) {
			r->trunk = v;
			SortPrefixes(&r->trunk);
			return;
		}
		r->trunk_note = "national_prefix_for_parsing \"" + npp + "\" is not a plain prefix list (" +
		                (e.has_capture() ? string("capture groups") : e.error()) + ")";
	}
	if (!np.empty())
		r->trunk = {np};
	(void)t;
}

void ExpandIdd(Table *t, Region *r)
{
	const string &idd = r->md->international_prefix();
	if (idd.empty())
		return;
	vector<string> all;
	for (const string &alt : SplitTopLevel(idd)) {
		Expander e(alt, kMaxExpansion);
		vector<string> v;
		if (!e.Run(&v)) {
			string why = e.too_many() ? "expands to more than " + std::to_string(kMaxExpansion) + " strings"
			                          : "cannot be expanded: " + e.error();
			r->idd_notes.push_back("\"" + alt + "\" " + why);
			Warn(t, r->code + ": international prefix \"" + idd + "\": alternative \"" + alt + "\" " + why +
			            "; dropped");
			continue;
		}
		if (all.size() + v.size() > kMaxExpansion) {
			r->idd_notes.push_back("\"" + alt + "\" would take the list past " + std::to_string(kMaxExpansion));
			Warn(t, r->code + ": international prefix \"" + idd + "\": alternative \"" + alt +
			            "\" would take the list past " + std::to_string(kMaxExpansion) + " strings; dropped");
			continue;
		}
		all.insert(all.end(), v.begin(), v.end());
	}
	SortPrefixes(&all);
	r->idd = all;
}

uint32_t LengthBits(const google::protobuf::RepeatedField<int> &lengths)
{
	uint32_t bits = 0;
	for (int l : lengths)
		if (l > 0 && l < 32)
			bits |= (uint32_t)1 << l;
	return bits;
}

int Verdict(const Country &c, size_t len)
{
	uint32_t bit = len < 32 ? (uint32_t)1 << len : 0;
	if (c.local_only & bit)
		return POSSIBLE_LOCAL_ONLY;
	if (c.possible == 0)
		return INVALID_LENGTH;
	unsigned min = (unsigned)__builtin_ctz(c.possible);
	unsigned max = 31u - (unsigned)__builtin_clz(c.possible);
	if (len == min)
		return POSSIBLE;
	if (len < min)
		return TOO_SHORT;
	if (len > max)
		return TOO_LONG;
	return (c.possible & bit) ? POSSIBLE : INVALID_LENGTH;
}

bool BuildTable(const PhoneNumberUtil &u, const PhoneMetadataCollection &coll, Table *t)
{
	std::map<string, const PhoneMetadata *> geo;
	std::map<int, const PhoneMetadata *> nongeo;
	for (const PhoneMetadata &md : coll.metadata()) {
		if (md.id() == "001")
			nongeo[md.country_code()] = &md;
		else
			geo[md.id()] = &md;
	}

	std::set<int> codes;
	u.GetSupportedCallingCodes(&codes);
	std::fill(t->country_index, t->country_index + 1000, -1);
	for (int cc : codes) {
		if (cc <= 0 || cc >= 1000) {
			Warn(t, "calling code " + std::to_string(cc) + " out of range; skipped");
			continue;
		}
		string main;
		u.GetRegionCodeForCountryCode(cc, &main);
		std::list<string> list;
		u.GetRegionCodesForCountryCallingCode(cc, &list);
		vector<string> others;
		for (const string &code : list)
			if (code != main)
				others.push_back(code);
		std::sort(others.begin(), others.end());
		vector<string> ordered = {main};
		ordered.insert(ordered.end(), others.begin(), others.end());

		Country c;
		c.cc = cc;
		c.first = (int)t->regions.size();
		c.count = (int)ordered.size();
		for (const string &code : ordered) {
			Region r;
			r.code = code;
			r.cc = cc;
			if (code == "001") {
				r.md = nongeo.count(cc) ? nongeo[cc] : nullptr;
			} else {
				r.md = geo.count(code) ? geo[code] : nullptr;
			}
			if (r.md == nullptr || r.md->country_code() != cc) {
				fprintf(stderr, "gen-e164-metadata: no metadata for %s (+%d)\n", code.c_str(), cc);
				return false;
			}
			ExpandTrunk(t, &r);
			ExpandIdd(t, &r);
			if (code != "001")
				t->region_index[code] = (int)t->regions.size();
			t->regions.push_back(r);
		}
		const PhoneMetadata &md = *t->regions[c.first].md;
		c.possible = LengthBits(md.general_desc().possible_length());
		c.local_only = LengthBits(md.general_desc().possible_length_local_only());
		t->country_index[cc] = (int)t->countries.size();
		t->countries.push_back(c);
	}

	for (size_t i = 0; i < t->regions.size(); i++)
		t->by_code.push_back((int)i);
	std::stable_sort(t->by_code.begin(), t->by_code.end(),
	                 [t](int a, int b) { return t->regions[a].code < t->regions[b].code; });

	std::set<string> supported;
	u.GetSupportedRegions(&supported);
	for (const string &code : supported)
		if (!t->region_index.count(code))
			Warn(t, "supported region " + code + " has no calling code entry");
	return true;
}

string LengthList(uint32_t bits);

/* Checks the length bitmasks against IsPossibleNumberWithReason and against the union of
 * the type descriptions' lengths. Returns the number of mismatches. */
int CheckLengths(const PhoneNumberUtil &u, const Table &t)
{
	int mismatches = 0, not_union = 0;
	for (const Country &c : t.countries) {
		for (size_t len = 1; len <= 17; len++) {
			PhoneNumber n;
			n.set_country_code(c.cc);
			n.set_national_number(std::stoull("1" + string(len - 1, '0')));
			const char *lpn = ValidationName(u.IsPossibleNumberWithReason(n));
			const char *ours = LpnVerdictName(Verdict(c, len));
			if (strcmp(lpn, ours) != 0) {
				fprintf(stderr, "gen-e164-metadata: +%d, %zu digits: libphonenumber %s, table %s\n", c.cc, len, lpn,
				        ours);
				mismatches++;
			}
		}
		/* A type without lengths inherits general_desc's; -1 marks a type the region lacks. */
		const PhoneMetadata &md = *t.regions[c.first].md;
		uint32_t all = LengthBits(md.no_international_dialling().possible_length());
		bool inherits = false;
		for (int i = 0; TypeDescs(md, i) != nullptr; i++) {
			const PhoneNumberDesc *d = TypeDescs(md, i);
			inherits = inherits || (d->possible_length_size() == 0 && d->has_national_number_pattern());
			all |= LengthBits(d->possible_length());
		}
		if ((all & ~c.possible) != 0 || (!inherits && all != c.possible)) {
			fprintf(stderr, "gen-e164-metadata: +%d: general_desc lengths %s, union of the types %s\n", c.cc,
			        LengthList(c.possible).c_str(), LengthList(all).c_str());
			not_union++;
		}
	}
	fprintf(stderr,
	        "gen-e164-metadata: lengths: %zu calling codes x 1..17 digits checked against "
	        "IsPossibleNumberWithReason: %d mismatches; general_desc is not the union of the types in %d\n",
	        t.countries.size(), mismatches, not_union);
	return mismatches;
}

/* ------------------------------------------------------------------------------------ */
/* The parse model: a replica of lib/e164/parse.c's rules over this table. The fixture's */
/* "comparable" column says where it agrees with libphonenumber; keep it in step with    */
/* parse.c.                                                                              */

/*
 * When parse.c drops a trunk prefix. kTrunkStrict: when the number is possible without
 * it and not with it (the rule in parse.c when this was written). kTrunkPreferStrip:
 * whenever the number is possible without it. Chosen with --trunk-rule.
 */
enum TrunkRule { kTrunkStrict, kTrunkPreferStrip };
TrunkRule g_trunk_rule = kTrunkStrict;

struct Model {
	bool ok = false;
	string why;
	int cc = 0;
	string nsn;
	int verdict = TOO_SHORT;
	bool via_idd = false;
	bool cc_dropped = false;   /* national form that started with the calling code */
	bool trunk_dropped = false;
	string trunk;              /* the trunk prefix dropped, if any */
	bool too_many_digits = false;
	bool bad_cc_after_plus = false;
};

bool IsFormatting(char c)
{
	return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '\t';
}

bool StartsWith(const string &d, const string &prefix)
{
	return !prefix.empty() && prefix.size() < d.size() && d.compare(0, prefix.size(), prefix) == 0;
}

void StripTrunk(const Table &t, int region, int country, string *d, string *stripped)
{
	const Country &c = t.countries[country];
	for (const string &p : t.regions[region].trunk) {
		if (!StartsWith(*d, p))
			continue;
		if (Verdict(c, d->size() - p.size()) == POSSIBLE &&
		    (g_trunk_rule == kTrunkPreferStrip || Verdict(c, d->size()) != POSSIBLE)) {
			d->erase(0, p.size());
			*stripped = p;
		}
		return;
	}
}

Model Finish(const Table &t, Model m, int country, size_t cc_digits, const string &nsn)
{
	if (cc_digits + nsn.size() > 15) {
		m.why = "more than 15 digits";
		m.too_many_digits = true;
		return m;
	}
	if (nsn.size() < 2) {
		m.why = "national number too short";
		return m;
	}
	m.ok = true;
	m.cc = t.countries[country].cc;
	m.nsn = nsn;
	m.verdict = Verdict(t.countries[country], nsn.size());
	return m;
}

Model ParseInternational(const Table &t, Model m, const string &d)
{
	if (d.empty()) {
		m.why = "no calling code";
		return m;
	}
	if (d[0] == '0') {
		m.why = "calling code starts with 0";
		m.bad_cc_after_plus = true;
		return m;
	}
	int value = 0, country = -1;
	size_t cc_digits = 0;
	for (size_t i = 0; i < d.size() && i < 3; i++) {
		value = value * 10 + (d[i] - '0');
		if (value > 0 && t.country_index[value] >= 0) {
			country = t.country_index[value];
			cc_digits = i + 1;
			break;
		}
	}
	if (country < 0) {
		m.why = "unassigned calling code";
		m.bad_cc_after_plus = true;
		return m;
	}
	string nsn = d.substr(cc_digits);
	StripTrunk(t, t.countries[country].first, country, &nsn, &m.trunk);
	m.trunk_dropped = !m.trunk.empty();
	return Finish(t, m, country, cc_digits, nsn);
}

Model ParseNational(const Table &t, Model m, const string &d, int region)
{
	const Region &r = t.regions[region];
	for (const string &p : r.idd) {
		if (StartsWith(d, p) && d[p.size()] != '0') {
			m.via_idd = true;
			if (d.size() - p.size() <= 2) {
				m.why = "too short after the international prefix";
				return m;
			}
			return ParseInternational(t, m, d.substr(p.size()));
		}
	}
	int country = t.country_index[r.cc];
	const Country &c = t.countries[country];
	string cc = std::to_string(r.cc);
	if (StartsWith(d, cc)) {
		string rest = d.substr(cc.size());
		string stripped;
		StripTrunk(t, region, country, &rest, &stripped);
		int whole = Verdict(c, d.size());
		if ((whole != POSSIBLE && Verdict(c, rest.size()) == POSSIBLE) || whole == TOO_LONG) {
			m.cc_dropped = true;
			m.trunk = stripped;
			m.trunk_dropped = !stripped.empty();
			return Finish(t, m, country, cc.size(), rest);
		}
	}
	string nsn = d;
	StripTrunk(t, region, country, &nsn, &m.trunk);
	m.trunk_dropped = !m.trunk.empty();
	return Finish(t, m, country, cc.size(), nsn);
}

Model ModelParse(const Table &t, const string &text, const string &region)
{
	Model m;
	if (text.size() > 256) {
		m.why = "longer than 256 bytes";
		return m;
	}
	string d;
	bool plus = false;
	for (char c : text) {
		if (c >= '0' && c <= '9') {
			d += c;
		} else if (c == '+' && d.empty() && !plus) {
			plus = true;
		} else if (c == '+') {
			m.why = "misplaced '+'";
			return m;
		} else if (!IsFormatting(c)) {
			m.why = "unexpected character";
			return m;
		}
	}
	if (d.empty() && !plus) {
		m.why = "no digits";
		return m;
	}
	if (plus)
		return ParseInternational(t, m, d);
	if (region.empty()) {
		m.why = "national number without a region";
		return m;
	}
	string upper = region;
	for (char &c : upper)
		c = (char)toupper((unsigned char)c);
	auto it = upper.size() == 2 ? t.region_index.find(upper) : t.region_index.end();
	if (it == t.region_index.end()) {
		m.why = "unknown region";
		return m;
	}
	return ParseNational(t, m, d, it->second);
}

/* ------------------------------------------------------------------------------------ */
/* The fixture.                                                                         */

struct Row {
	string input, region, status, e164, cc, nsn, main_region, number_region, verdict;
	bool comparable = true;
	string form, reason;
};

class Rng {
public:
	explicit Rng(uint64_t seed) : s_(seed) {}
	uint64_t Next()
	{
		s_ ^= s_ >> 12;
		s_ ^= s_ << 25;
		s_ ^= s_ >> 27;
		return s_ * 0x2545F4914F6CDD1DULL;
	}
	int Below(int n) { return (int)(Next() % (uint64_t)n); }
	char Digit() { return (char)('0' + Below(10)); }

private:
	uint64_t s_;
};

string DigitsOf(const string &s)
{
	string d;
	for (char c : s)
		if (c >= '0' && c <= '9')
			d += c;
	return d;
}

bool HasAsciiLetter(const string &s)
{
	for (char c : s)
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return true;
	return false;
}

bool HasNonAscii(const string &s)
{
	for (char c : s)
		if ((unsigned char)c >= 0x80)
			return true;
	return false;
}

bool HasOtherCharacter(const string &s)
{
	for (char c : s)
		if (!(c >= '0' && c <= '9') && c != '+' && !IsFormatting(c) && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) &&
		    (unsigned char)c < 0x80)
			return true;
	return false;
}

void RunLpn(const PhoneNumberUtil &u, Row *r)
{
	PhoneNumber n;
	PhoneNumberUtil::ErrorType e = u.Parse(r->input, r->region.empty() ? "ZZ" : r->region, &n);
	r->status = ErrorName(e);
	if (e != PhoneNumberUtil::NO_PARSING_ERROR)
		return;
	u.Format(n, PhoneNumberUtil::E164, &r->e164);
	r->cc = std::to_string(n.country_code());
	u.GetNationalSignificantNumber(n, &r->nsn);
	u.GetRegionCodeForCountryCode(n.country_code(), &r->main_region);
	u.GetRegionCodeForNumber(n, &r->number_region);
	r->verdict = ValidationName(u.IsPossibleNumberWithReason(n));
}

/* The region whose metadata libphonenumber used to strip a trunk prefix: the calling
 * code's main region after '+' or an international prefix, else the parsing region. */
const Region *TrunkRegion(const Table &t, const Row &r, const Model &m)
{
	int cc = atoi(r.cc.c_str());
	bool national = !r.region.empty() && !m.via_idd && t.region_index.count(r.region) &&
	                t.regions[t.region_index.at(r.region)].cc == cc && r.input.find('+') == string::npos;
	if (national)
		return &t.regions[t.region_index.at(r.region)];
	if (cc > 0 && cc < 1000 && t.country_index[cc] >= 0)
		return &t.regions[t.countries[t.country_index[cc]].first];
	return nullptr;
}

/* Both sides read the same calling code from the same digits but different national
 * numbers: says which trunk-prefix rule made the difference. @base is the national
 * number before any trunk prefix came off (as the model saw it). */
string TrunkReason(const Table &t, const Region *tr, const string &base, const string &lpn_nsn, const Model &m)
{
	if (tr == nullptr)
		return "unexplained: trunk prefix handled differently";
	const PhoneMetadata &md = *tr->md;
	const string &who = tr->code;
	bool lpn_plain = false; /* libphonenumber dropped one of the table's trunk prefixes */
	for (const string &p : tr->trunk)
		lpn_plain = lpn_plain || (base.compare(0, p.size(), p) == 0 && base.substr(p.size()) == lpn_nsn);
	bool lpn_kept = lpn_nsn == base;
	const Region &main = t.regions[t.countries[t.country_index[tr->cc]].first];
	if ((lpn_plain && !m.trunk_dropped) || (lpn_kept && m.trunk_dropped)) {
		if (&main != tr)
			return "libphonenumber judges the trunk prefix by " + who + "'s own lengths and patterns, we by +" +
			       std::to_string(tr->cc) + "'s (" + main.code + ")";
		if (lpn_plain)
			return "lpn strips trunk prefix using pattern validity (" + who + "), we keep it" +
			       (g_trunk_rule == kTrunkStrict ? " because the longer number has a possible length" : "");
		return "lpn keeps the leading trunk digits by pattern validity (" + who + "), we strip them by length";
	}
	if (!md.national_prefix_transform_rule().empty())
		return "national prefix transform rule: libphonenumber rewrites " + who + " national numbers (" +
		       md.national_prefix_for_parsing().substr(0, 40) + " -> " + md.national_prefix_transform_rule() + ")";
	if (md.national_prefix_for_parsing().find('(') != string::npos)
		return "carrier code: libphonenumber strips " + who + "'s carrier or area selection code (" +
		       md.national_prefix_for_parsing() + ")";
	return "unexplained: trunk prefix (" + who + ")";
}

/* Why libphonenumber and the model differ on a row; "" when they agree. A reason that
 * starts with "unexplained" is a bug in the model or in this classification. */
string Explain(const Table &t, const Row &r, const Model &m)
{
	bool lpn_ok = r.status == "OK";
	if (!lpn_ok && !m.ok)
		return "";
	if (lpn_ok && m.ok && std::to_string(m.cc) == r.cc && m.nsn == r.nsn) {
		if (r.verdict != LpnVerdictName(m.verdict))
			return string("unexplained: verdict ") + r.verdict + " vs " + LpnVerdictName(m.verdict);
		return "";
	}
	if (HasAsciiLetter(r.input))
		return lpn_ok ? "letters: libphonenumber converts vanity letters or drops an extension, we reject"
		              : "letters: libphonenumber rejects differently";
	if (HasNonAscii(r.input))
		return "non-ascii digits: libphonenumber normalizes them, we reject";
	if (HasOtherCharacter(r.input))
		return "punctuation: libphonenumber ignores characters we reject";
	if (lpn_ok && !m.ok) {
		if (m.why == "longer than 256 bytes")
			return "input longer than 256 bytes: we reject, libphonenumber accepts it";
		if (m.why == "misplaced '+'" && r.input.compare(0, 2, "++") == 0)
			return "libphonenumber accepts repeated '+' signs, we reject";
		if (m.too_many_digits)
			return "more than 15 digits: libphonenumber accepts up to 17 national digits (verdict " + r.verdict +
			       "), we reject";
		if (m.bad_cc_after_plus && !r.region.empty())
			return "libphonenumber drops a '+' before an unassigned code and rereads the number as dialed from " +
			       r.region;
		if (m.why == "national number too short")
			return "libphonenumber keeps a trunk prefix or calling code that we strip, leaving one digit";
		return "unexplained: libphonenumber OK, we fail (" + m.why + ")";
	}
	string digits = DigitsOf(r.input);
	if (!lpn_ok && m.ok) {
		if (r.status == "TOO_SHORT_AFTER_IDD")
			return "libphonenumber sees an international prefix with nothing after it, we read the digits as a "
			       "national number";
		if (r.status == "TOO_SHORT_NSN" || r.status == "NOT_A_NUMBER")
			return "libphonenumber rejects as " + r.status + " what we read as +" + std::to_string(m.cc) + " " + m.nsn;
		return "unexplained: libphonenumber " + r.status + ", we parse +" + std::to_string(m.cc) + m.nsn;
	}

	/* Both parsed, to different numbers. */
	if (std::to_string(m.cc) != r.cc) {
		int region = r.region.empty() ? -1 : t.region_index.at(r.region);
		if (region >= 0 && !t.regions[region].idd_notes.empty())
			return "international prefix alternative dropped from the table for " + r.region;
		if (region >= 0)
			return "international prefix: libphonenumber's regex for " + r.region +
			       " matches differently (first alternative, no retry after a 0)";
		return "unexplained: calling code +" + r.cc + " vs +" + std::to_string(m.cc);
	}
	const Region *tr = TrunkRegion(t, r, m);
	string cc = r.cc;
	bool national = !r.region.empty() && r.input.find('+') == string::npos && !m.via_idd;
	if (national && digits.compare(0, cc.size(), cc) == 0) {
		/* Did one side drop the calling code written without '+'? */
		bool lpn_dropped_cc = r.nsn.size() + cc.size() <= digits.size() &&
		                      digits.size() - r.nsn.size() >= cc.size() &&
		                      digits.compare(digits.size() - r.nsn.size(), string::npos, r.nsn) == 0 &&
		                      digits.size() != r.nsn.size();
		/* A trunk prefix alone could also explain a shorter libphonenumber number. */
		bool trunk_only = false;
		if (tr != nullptr)
			for (const string &p : tr->trunk)
				trunk_only = trunk_only || (p.size() == digits.size() - r.nsn.size() &&
				                            digits.compare(0, p.size(), p) == 0);
		if (m.cc_dropped != (lpn_dropped_cc && !trunk_only))
			return "calling code written without '+': libphonenumber drops it when " + r.region +
			       "'s number patterns say so, we when the lengths do";
	}
	return TrunkReason(t, tr, m.trunk + m.nsn, r.nsn, m);
}

class FixtureBuilder {
public:
	FixtureBuilder(const PhoneNumberUtil &u, const Table &t) : u_(u), t_(t), rng_(kSeed) {}

	void Add(const string &input, const string &region, const string &form)
	{
		if (input.find('\t') != string::npos || input.find('\n') != string::npos ||
		    input.find('\r') != string::npos) {
			fprintf(stderr, "gen-e164-metadata: skipping input with a tab or newline (%s)\n", form.c_str());
			return;
		}
		if (!input.empty() && input[0] == '#')
			return; /* would read as a comment line */
		if (!seen_.insert(input + "\t" + region).second)
			return;
		Row r;
		r.input = input;
		r.region = region;
		r.form = form;
		RunLpn(u_, &r);
		Model m = ModelParse(t_, input, region);
		r.reason = Explain(t_, r, m);
		r.comparable = r.reason.empty();
		if (r.reason.compare(0, 11, "unexplained") == 0)
			unexplained_++;
		rows_.push_back(r);
	}

	void Build();
	bool Write(const string &path) const;
	void Summary() const;
	int unexplained() const { return unexplained_; }

private:
	vector<PhoneNumber> Examples(const Region &r);
	void AddNumber(const Region &r, const PhoneNumber &n);
	void AddInvalid();
	void AddPerCountry();

	const PhoneNumberUtil &u_;
	const Table &t_;
	Rng rng_;
	std::set<string> seen_;
	vector<Row> rows_;
	int unexplained_ = 0;
};

const PhoneNumberUtil::PhoneNumberType kTypes[] = {
	PhoneNumberUtil::FIXED_LINE,   PhoneNumberUtil::MOBILE,      PhoneNumberUtil::FIXED_LINE_OR_MOBILE,
	PhoneNumberUtil::TOLL_FREE,    PhoneNumberUtil::PREMIUM_RATE, PhoneNumberUtil::SHARED_COST,
	PhoneNumberUtil::VOIP,         PhoneNumberUtil::PERSONAL_NUMBER, PhoneNumberUtil::PAGER,
	PhoneNumberUtil::UAN,          PhoneNumberUtil::VOICEMAIL,
};

const char *const kCallers[] = {"US", "AU", "GB", "DE", "FR", "JP", "BR"};

vector<PhoneNumber> FixtureBuilder::Examples(const Region &r)
{
	vector<PhoneNumber> out;
	std::set<string> seen;
	auto keep = [&](const PhoneNumber &n) {
		string e164;
		u_.Format(n, PhoneNumberUtil::E164, &e164);
		if (seen.insert(e164).second)
			out.push_back(n);
	};
	if (r.code == "001") {
		PhoneNumber n;
		if (u_.GetExampleNumberForNonGeoEntity(r.cc, &n))
			keep(n);
		/* Every type's example, not only the first one GetExampleNumberForNonGeoEntity finds. */
		for (int i = 0; TypeDescs(*r.md, i) != nullptr; i++) {
			const PhoneNumberDesc *d = TypeDescs(*r.md, i);
			if (!d->has_example_number())
				continue;
			PhoneNumber m;
			if (u_.Parse("+" + std::to_string(r.cc) + d->example_number(), "ZZ", &m) ==
			    PhoneNumberUtil::NO_PARSING_ERROR)
				keep(m);
		}
		return out;
	}
	for (PhoneNumberUtil::PhoneNumberType type : kTypes) {
		PhoneNumber n;
		if (u_.GetExampleNumberForType(r.code, type, &n))
			keep(n);
	}
	return out;
}

void FixtureBuilder::AddNumber(const Region &r, const PhoneNumber &n)
{
	string e164, intl, national, nsn;
	u_.Format(n, PhoneNumberUtil::E164, &e164);
	u_.Format(n, PhoneNumberUtil::INTERNATIONAL, &intl);
	u_.Format(n, PhoneNumberUtil::NATIONAL, &national);
	u_.GetNationalSignificantNumber(n, &nsn);
	string cc = std::to_string(n.country_code());
	bool geo = r.code != "001";

	Add(e164, "", "e164");
	Add(intl, "", "e164-international");
	if (geo) {
		Add(national, r.code, "national-format");
		Add(nsn, r.code, "national-nsn");
		const string &np = r.md->national_prefix();
		if (!np.empty())
			Add("+" + cc + " " + np + nsn, "", "e164-with-trunk");
		/* Dialed from the region to itself through one of its international prefixes. */
		if (!r.idd.empty()) {
			const string &p = r.idd[(size_t)rng_.Below((int)r.idd.size())];
			Add(p + " " + cc + " " + nsn, r.code, "idd-self");
		}
	}
	vector<string> callers(std::begin(kCallers), std::end(kCallers));
	if (geo)
		callers.push_back(r.code);
	for (const string &from : callers) {
		string s;
		u_.FormatOutOfCountryCallingNumber(n, from, &s);
		int from_cc = t_.regions[t_.region_index.at(from)].cc;
		Add(s, from, (from_cc == n.country_code() ? "national-from-" : "idd-from-") + from);
	}
	string digits = e164.substr(1);
	Add("+" + digits.substr(0, digits.size() - 1), "", "e164-drop1");
	Add("+" + digits.substr(0, digits.size() - 2), "", "e164-drop2");
	string one = digits + rng_.Digit();
	Add("+" + one, "", "e164-add1");
	Add("+" + one + rng_.Digit(), "", "e164-add2");
}

/* Non-ASCII digits in UTF-8: Arabic-Indic (U+0660), extended Arabic-Indic (U+06F0) and
 * fullwidth (U+FF10). */
string Transliterate(const string &s, int script)
{
	string out;
	for (char c : s) {
		if (c < '0' || c > '9') {
			if (c == '+' && script == 3)
				out += "\xEF\xBC\x8B"; /* fullwidth plus */
			else
				out += c;
			continue;
		}
		int d = c - '0';
		switch (script) {
		case 0:
			out += "\xD9";
			out += (char)(0xA0 + d);
			break;
		case 1:
			out += "\xDB";
			out += (char)(0xB0 + d);
			break;
		default:
			out += "\xEF\xBC";
			out += (char)(0x90 + d);
			break;
		}
	}
	return out;
}

void FixtureBuilder::AddPerCountry()
{
	int k = 0;
	for (const Country &c : t_.countries) {
		const Region &main = t_.regions[c.first];
		vector<PhoneNumber> ex = Examples(main);
		if (ex.empty())
			continue;
		string e164, national, nsn, cc = std::to_string(c.cc);
		u_.Format(ex[0], PhoneNumberUtil::E164, &e164);
		u_.Format(ex[0], PhoneNumberUtil::NATIONAL, &national);
		u_.GetNationalSignificantNumber(ex[0], &nsn);

		/* Non-ASCII digits: two of the four spellings per code, in turn. */
		Add(Transliterate(e164, k % 4), "", "non-ascii-digits");
		Add(Transliterate(e164, (k + 1) % 4), "", "non-ascii-digits");
		if (main.code != "001")
			Add(Transliterate(national, (k + 2) % 3), main.code, "non-ascii-digits-national");
		k++;

		/* Too many digits: 16 in all (libphonenumber parses), and an 18-digit national number
		 * (libphonenumber rejects). */
		string pad = nsn;
		while (cc.size() + pad.size() < 16)
			pad += rng_.Digit();
		Add("+" + cc + pad.substr(0, 16 - cc.size()), "", "too-many-digits");
		while (pad.size() < 18)
			pad += rng_.Digit();
		Add("+" + cc + pad.substr(0, 18), "", "too-many-digits");

		/* A national number with no region to read it in. */
		if (main.code != "001")
			Add(national, "", "national-no-region");
		/* Letters inside an otherwise good number. */
		if (k % 8 == 0)
			Add("+" + cc + " " + nsn.substr(0, nsn.size() / 2) + "ABC", "", "letters");
	}

	/* Unassigned calling codes: every 1-3 digit code that no assigned code prefixes. */
	for (int len = 1; len <= 3; len++) {
		int lo = len == 1 ? 0 : (len == 2 ? 10 : 100);
		int hi = len == 1 ? 9 : (len == 2 ? 99 : 999);
		for (int code = lo; code <= hi; code++) {
			bool assigned_prefix = false;
			string s = std::to_string(code);
			for (size_t i = 1; i <= s.size(); i++) {
				int p = atoi(s.substr(0, i).c_str());
				if (p > 0 && t_.country_index[p] >= 0)
					assigned_prefix = true;
			}
			if (assigned_prefix)
				continue;
			/* Only the 3-digit codes whose 2-digit head is also free would repeat rows. */
			if (len < 3 && code != 0)
				continue;
			string rest;
			for (int i = 0; i < 9; i++)
				rest += rng_.Digit();
			Add("+" + s + " " + rest, "", "unassigned-code");
		}
	}
	Add("+0", "", "unassigned-code");
	Add("+00 44 20 7946 0958", "", "unassigned-code");
	Add("+999 1234 5678", "", "unassigned-code");
	Add("+28 1234 5678", "GB", "unassigned-code-with-region");
	Add("+999 1234 5678", "US", "unassigned-code-with-region");
	Add("+0044 20 7946 0958", "GB", "unassigned-code-with-region");
}

void FixtureBuilder::AddInvalid()
{
	static const char *const cases[][3] = {
		{"", "", "empty"},
		{"", "US", "empty"},
		{"abc", "", "letters"},
		{"abc", "US", "letters"},
		{"+1 800 FLOWERS", "", "letters"},
		{"+1 800 FLOWERS", "US", "letters"},
		{"1-800-FLOWERS", "US", "letters"},
		{"1-800-FLOWERS", "", "letters"},
		{"0800 REVERSE", "GB", "letters"},
		{"+44 20 7946 0958 ext. 123", "", "letters"},
		{"+1 650-253-0000 x123", "", "letters"},
		{"tel:+1-650-253-0000", "", "letters"},
		{"+", "", "lone-plus"},
		{"+", "GB", "lone-plus"},
		{"+ ", "", "lone-plus"},
		{"++44 20 7946 0958", "", "misplaced-plus"},
		{"44+20 7946 0958", "GB", "misplaced-plus"},
		{"()", "", "punctuation"},
		{"---", "", "punctuation"},
		{"( ) - . /", "DE", "punctuation"},
		{".", "FR", "punctuation"},
		{" ", "", "punctuation"},
		{"//", "US", "punctuation"},
		{"-", "GB", "punctuation"},
		{"+44*20 7946 0958", "", "punctuation"},
		{"+61#2 5550 1100", "", "punctuation"},
		{"+1", "", "too-short"},
		{"+12", "", "too-short"},
		{"+44 1", "", "too-short"},
		{"+44 12", "", "too-short"},
		{"1", "US", "too-short"},
		{"12", "US", "too-short"},
		{"5", "DE", "too-short"},
		{"0", "AU", "too-short"},
		{"00", "AU", "too-short"},
		{"0011", "AU", "too-short"},
		{"0011 6", "AU", "too-short"},
		{"0011 61", "AU", "too-short"},
		{"011 1", "US", "too-short"},
		{"00 44", "GB", "too-short"},
		{"2079460958", "", "national-no-region"},
		{"020 7946 0958", "", "national-no-region"},
		{"(202) 555-0134", "", "national-no-region"},
		{"+61 2 5550 1100", "", "e164"},
		{"02 5550 1100", "AU", "national-format"},
		{"2 5550 1100", "AU", "national-nsn"},
		{"0011 61 2 5550 1100", "AU", "idd-self"},
		{"011 61 2 5550 1100", "US", "idd-from-US"},
		{"1 202 555 0134", "US", "national-with-cc"},
		{"+44 020 7946 0958", "", "e164-with-trunk"},
		{"+1 (202) 555-0134", "", "e164-international"},
		{"+1.202.555.0134", "", "e164-international"},
		{"+1/202/555/0134", "", "e164-international"},
	};
	for (const auto &c : cases)
		Add(c[0], c[1], c[2]);
	/* Longer than libphonenumber's 250-character and our 256-byte input limits. */
	Add("+44 20 7946 0958" + string(250, ' '), "", "too-long-input");
	Add("+44 20 7946 0958" + string(250, '-'), "", "too-long-input");
	Add("+44 20" + string(250, ' ') + "7946 0958", "", "too-long-input");
}

void FixtureBuilder::Build()
{
	AddInvalid();
	/* Every region, in calling-code order, main region first. */
	for (const Region &r : t_.regions)
		for (const PhoneNumber &n : Examples(r))
			AddNumber(r, n);
	AddPerCountry();
}

bool FixtureBuilder::Write(const string &path) const
{
	FILE *fp = fopen(path.c_str(), "w");
	if (fp == nullptr) {
		perror(path.c_str());
		return false;
	}
	fprintf(fp,
	        "# Generated by tools/gen-e164-metadata from %s (seed 0x%016" PRIx64 ", trunk rule %s); do not edit.\n"
	        "# region: the region given to Parse (empty: \"ZZ\", none). lpn_*: libphonenumber's answer "
	        "(Parse, Format E164, GetNationalSignificantNumber, GetRegionCodeForCountryCode, "
	        "GetRegionCodeForNumber, IsPossibleNumberWithReason). comparable: 1 when libnumbering's model "
	        "must agree. note: the form, then why not comparable.\n"
	        "#input\tregion\tlpn_status\te164\tcountry_code\tnsn\tmain_region\tnumber_region\tverdict\t"
	        "comparable\tnote\n",
	        t_.source.c_str(), kSeed, g_trunk_rule == kTrunkStrict ? "strict" : "prefer-strip");
	for (const Row &r : rows_) {
		string note = r.form;
		if (!r.reason.empty())
			note += "; " + r.reason;
		fprintf(fp, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.input.c_str(), r.region.c_str(),
		        r.status.c_str(), r.e164.c_str(), r.cc.c_str(), r.nsn.c_str(), r.main_region.c_str(),
		        r.number_region.c_str(), r.verdict.c_str(), r.comparable ? 1 : 0, note.c_str());
	}
	if (fclose(fp) != 0) {
		perror(path.c_str());
		return false;
	}
	return true;
}

/* Groups forms for the summary: "idd-from-US" and "idd-from-AU" count as "idd-from". */
string FormGroup(const string &form)
{
	if (form.compare(0, 9, "idd-from-") == 0)
		return "idd-from-XX";
	if (form.compare(0, 14, "national-from-") == 0)
		return "national-from-XX";
	return form;
}

void FixtureBuilder::Summary() const
{
	std::map<string, std::pair<int, int>> forms;
	std::map<string, int> reasons;
	std::set<string> regions;
	int total = 0, comparable = 0;
	for (const Row &r : rows_) {
		auto &f = forms[FormGroup(r.form)];
		f.first++;
		total++;
		if (r.comparable) {
			f.second++;
			comparable++;
		} else {
			/* The reason up to its first ':' or '(' names the kind. */
			string kind = r.reason.substr(0, r.reason.find_first_of(":("));
			reasons[kind]++;
		}
		if (!r.main_region.empty())
			regions.insert(r.main_region);
		if (!r.number_region.empty())
			regions.insert(r.number_region);
		if (!r.region.empty())
			regions.insert(r.region);
	}
	fprintf(stderr, "gen-e164-metadata: fixture: %d rows, %d comparable; by form (rows/comparable):\n", total,
	        comparable);
	for (const auto &f : forms)
		fprintf(stderr, "  %-28s %6d %6d\n", f.first.c_str(), f.second.first, f.second.second);
	fprintf(stderr, "gen-e164-metadata: not comparable, by reason:\n");
	for (const auto &r : reasons)
		fprintf(stderr, "  %6d  %s\n", r.second, r.first.c_str());
	int missing = 0;
	for (const auto &it : t_.region_index)
		if (!regions.count(it.first)) {
			fprintf(stderr, "gen-e164-metadata: warning: region %s not covered by the fixture\n", it.first.c_str());
			missing++;
		}
	fprintf(stderr, "gen-e164-metadata: fixture covers %zu of %zu regions\n", t_.region_index.size() - missing,
	        t_.region_index.size());
}

/* ------------------------------------------------------------------------------------ */
/* Self-check: libphonenumber against the model, per region.                           */

void SelfCheck(const PhoneNumberUtil &u, const Table &t)
{
	PhoneNumber gb, us;
	u.GetExampleNumberForType("GB", PhoneNumberUtil::FIXED_LINE, &gb);
	u.GetExampleNumberForType("US", PhoneNumberUtil::FIXED_LINE, &us);
	std::map<string, vector<string>> failures; /* kind -> regions */
	int regions = 0;
	auto agree = [&](const string &input, const string &region, string *why) {
		Row r;
		r.input = input;
		r.region = region;
		RunLpn(u, &r);
		Model m = ModelParse(t, input, region);
		*why = Explain(t, r, m);
		if (why->empty() && (r.status != "OK" || !m.ok))
			*why = "both rejected (" + r.status + ")";
		return why->empty();
	};
	for (const auto &it : t.region_index) {
		const Region &r = t.regions[it.second];
		regions++;
		PhoneNumber ex;
		if (!u.GetExampleNumber(r.code, &ex)) {
			for (PhoneNumberUtil::PhoneNumberType type : kTypes)
				if (u.GetExampleNumberForType(r.code, type, &ex))
					break;
		}
		string national, why;
		u.Format(ex, PhoneNumberUtil::NATIONAL, &national);
		if (!agree(national, r.code, &why))
			failures["national form"].push_back(r.code + " \"" + national + "\": " + why);

		const PhoneNumber &target = r.cc == 44 ? us : gb;
		string intl, nsn;
		u.FormatOutOfCountryCallingNumber(target, r.code, &intl);
		if (!agree(intl, r.code, &why))
			failures["international form"].push_back(r.code + " \"" + intl + "\": " + why);

		u.GetNationalSignificantNumber(target, &nsn);
		int bad = 0;
		string first_bad;
		for (const string &p : r.idd) {
			string s = p + std::to_string(target.country_code()) + nsn;
			if (!agree(s, r.code, &why)) {
				if (bad++ == 0)
					first_bad = "\"" + s + "\": " + why;
			}
		}
		if (bad > 0)
			failures["expanded international prefixes"].push_back(r.code + " (" + std::to_string(bad) + " of " +
			                                                      std::to_string(r.idd.size()) + ", e.g. " +
			                                                      first_bad + ")");
	}
	const char *const kinds[] = {"national form", "international form", "expanded international prefixes"};
	for (const char *kind : kinds) {
		const vector<string> &f = failures[kind];
		fprintf(stderr,
		        "gen-e164-metadata: self-check, %s: the simple model differs from libphonenumber "
		        "in %zu of %d regions\n",
		        kind, f.size(), regions);
		for (const string &s : f)
			fprintf(stderr, "    %s\n", s.c_str());
	}
}

/* ------------------------------------------------------------------------------------ */
/* The C table.                                                                         */

string CString(const string &s)
{
	return "\"" + s + "\""; /* digit strings and region codes need no escaping */
}

string Join(const vector<string> &v, const string &sep)
{
	string out;
	for (size_t i = 0; i < v.size(); i++)
		out += (i ? sep : "") + v[i];
	return out;
}

string LengthList(uint32_t bits)
{
	vector<string> v;
	for (int i = 0; i < 32; i++)
		if (bits & ((uint32_t)1 << i))
			v.push_back(std::to_string(i));
	return v.empty() ? "none" : Join(v, ",");
}

/* Emits a NULL-terminated string array once per distinct list; returns its name. */
class ListEmitter {
public:
	ListEmitter(const string &prefix) : prefix_(prefix) {}

	string Name(const vector<string> &list, const string &region)
	{
		string key = Join(list, ",");
		auto it = names_.find(key);
		if (it != names_.end())
			return it->second;
		string name;
		if (list.empty())
			name = prefix_ + "none";
		else if (list.size() == 1)
			name = prefix_ + list[0];
		else
			name = prefix_ + region;
		names_[key] = name;
		order_.push_back({name, list});
		return name;
	}

	void Write(FILE *fp) const
	{
		for (const auto &entry : order_) {
			const vector<string> &list = entry.second;
			string items;
			for (const string &s : list)
				items += CString(s) + ", ";
			string one_line = "static const char *const " + entry.first + "[] = {" + items + "NULL};";
			if (one_line.size() <= 100) {
				fprintf(fp, "%s\n", one_line.c_str());
				continue;
			}
			fprintf(fp, "static const char *const %s[] = {\n", entry.first.c_str());
			string line = "\t";
			for (const string &s : list) {
				string item = CString(s) + ",";
				if (line.size() > 1 && line.size() + 1 + item.size() > 96) {
					fprintf(fp, "%s\n", line.c_str());
					line = "\t";
				}
				line += (line.size() > 1 ? " " : "") + item;
			}
			fprintf(fp, "%s\n\tNULL,\n};\n", line.c_str());
		}
	}

private:
	string prefix_;
	std::map<string, string> names_;
	vector<std::pair<string, vector<string>>> order_;
};

bool WriteTable(const Table &t, const string &path)
{
	FILE *fp = fopen(path.c_str(), "w");
	if (fp == nullptr) {
		perror(path.c_str());
		return false;
	}
	ListEmitter tp("tp_"), idd("idd_");
	vector<string> tp_names, idd_names;
	for (const Region &r : t.regions) {
		tp_names.push_back(tp.Name(r.trunk, r.code));
		idd_names.push_back(idd.Name(r.idd, r.code));
	}
	size_t geo = t.region_index.size();

	fprintf(fp, "/*\n * Generated by tools/gen-e164-metadata from %s; do not edit.\n", t.source.c_str());
	fprintf(fp, " * Regenerate with tools/gen-e164-metadata/regenerate.sh.\n *\n");
	fprintf(fp, " * %zu calling codes; %zu regions and %zu non-geographic entities (\"001\").\n", t.countries.size(),
	        geo, t.regions.size() - geo);
	fprintf(fp,
	        " * possible_lengths, local_only_lengths: bit n set means a national significant number\n"
	        " *   of n digits; from the main region's general_desc (what IsPossibleNumberWithReason tests).\n"
	        " * trunk_prefixes: national_prefix_for_parsing expanded to digit strings when it is a finite\n"
	        " *   set without capture groups, else national_prefix.\n"
	        " * international_prefixes: international_prefix expanded to every digit string it matches,\n"
	        " *   longest first, then in lexicographic order.\n");
	bool partial = false;
	for (const Region &r : t.regions)
		partial = partial || !r.idd_notes.empty();
	if (partial) {
		fprintf(fp, " *\n * International prefixes not fully expanded (alternatives dropped):\n");
		for (const Region &r : t.regions)
			for (const string &n : r.idd_notes)
				fprintf(fp, " *   %s: %s; kept %s.\n", r.code.c_str(), n.c_str(),
				        r.idd.empty() ? "none" : Join(r.idd, ", ").c_str());
	}
	vector<string> from_np;
	for (const Region &r : t.regions)
		if (!r.trunk_note.empty())
			from_np.push_back(r.code + (r.trunk.empty() ? " (none)" : ""));
	std::sort(from_np.begin(), from_np.end());
	if (!from_np.empty()) {
		fprintf(fp,
		        " *\n * Trunk prefixes from national_prefix, because national_prefix_for_parsing holds\n"
		        " * capture groups (carrier codes, transform rules) or is not a finite prefix set:\n");
		string line = " *  ";
		for (const string &s : from_np) {
			if (line.size() + s.size() > 90) {
				fprintf(fp, "%s\n", line.c_str());
				line = " *  ";
			}
			line += " " + s;
		}
		fprintf(fp, "%s\n", line.c_str());
	}
	fprintf(fp, " */\n#include <stddef.h>\n#include <stdint.h>\n\n#include \"e164/metadata.h\"\n\n");
	fprintf(fp, "const char numbering__metadata_source[] = %s;\n\n", CString(t.source).c_str());

	fprintf(fp, "/* Trunk prefixes, longest first. */\n");
	tp.Write(fp);
	fprintf(fp, "\n/* International prefixes, longest first. */\n");
	idd.Write(fp);

	fprintf(fp, "\n/* Grouped by calling code, each code's main region first, then the others by code. */\n");
	fprintf(fp, "const struct numbering__region numbering__regions[] = {\n");
	for (size_t i = 0; i < t.regions.size(); i++) {
		const Region &r = t.regions[i];
		fprintf(fp, "\t{%s, %d, %s, %s}, /* %zu */\n", CString(r.code).c_str(), r.cc, tp_names[i].c_str(),
		        idd_names[i].c_str(), i);
	}
	fprintf(fp, "};\n");
	fprintf(fp, "const size_t numbering__region_count = sizeof(numbering__regions) / sizeof(numbering__regions[0]);\n\n");

	fprintf(fp, "/* calling code, first region, region count, possible lengths, local-only lengths */\n");
	fprintf(fp, "const struct numbering__country numbering__countries[] = {\n");
	for (const Country &c : t.countries) {
		string comment = t.regions[c.first].code + ": " + LengthList(c.possible);
		if (c.local_only)
			comment += "; local " + LengthList(c.local_only);
		fprintf(fp, "\t{%d, %d, %d, 0x%08" PRIx32 ", 0x%08" PRIx32 "}, /* %s */\n", c.cc, c.first, c.count,
		        c.possible, c.local_only, comment.c_str());
	}
	fprintf(fp, "};\n");
	fprintf(fp,
	        "const size_t numbering__country_count = sizeof(numbering__countries) / sizeof(numbering__countries[0]);\n\n");

	fprintf(fp, "/* Indexes into numbering__regions in the order of their codes. */\n");
	fprintf(fp, "const uint16_t numbering__regions_by_code[] = {\n");
	for (size_t i = 0; i < t.by_code.size(); i += 10) {
		string line = "\t", codes;
		for (size_t j = i; j < t.by_code.size() && j < i + 10; j++) {
			line += (j > i ? " " : "") + std::to_string(t.by_code[j]) + ",";
			codes += (j > i ? " " : "") + t.regions[t.by_code[j]].code;
		}
		fprintf(fp, "%-56s /* %s */\n", line.c_str(), codes.c_str());
	}
	fprintf(fp, "};\n\n");

	fprintf(fp, "/* Calling code -> index into numbering__countries, -1 when unassigned. */\n");
	fprintf(fp, "const int16_t numbering__country_index[1000] = {\n");
	for (int i = 0; i < 1000; i += 20) {
		string line = "\t";
		for (int j = i; j < i + 20; j++) {
			char buf[16];
			snprintf(buf, sizeof(buf), "%s%d,", j > i ? " " : "", t.country_index[j]);
			line += buf;
		}
		fprintf(fp, "%s /* %d */\n", line.c_str(), i);
	}
	fprintf(fp, "};\n");
	if (fclose(fp) != 0) {
		perror(path.c_str());
		return false;
	}
	return true;
}

void Usage()
{
	fprintf(stderr,
	        "usage: gen-e164-metadata --source \"libphonenumber X.Y.Z\" [--table FILE.c] [--fixture FILE.tsv]\n"
	        "                         [--trunk-rule strict|prefer-strip]\n"
	        "  --trunk-rule: which rule lib/e164/parse.c uses to drop a trunk prefix (see README.md)\n");
}

} // namespace

int main(int argc, char **argv)
{
	string source, table_path, fixture_path;
	for (int i = 1; i < argc; i++) {
		string a = argv[i];
		if (i + 1 < argc && a == "--source")
			source = argv[++i];
		else if (i + 1 < argc && a == "--table")
			table_path = argv[++i];
		else if (i + 1 < argc && a == "--fixture")
			fixture_path = argv[++i];
		else if (i + 1 < argc && a == "--trunk-rule" && strcmp(argv[i + 1], "strict") == 0)
			g_trunk_rule = kTrunkStrict, i++;
		else if (i + 1 < argc && a == "--trunk-rule" && strcmp(argv[i + 1], "prefer-strip") == 0)
			g_trunk_rule = kTrunkPreferStrip, i++;
		else {
			Usage();
			return 2;
		}
	}
	if (source.empty()) {
		Usage();
		return 2;
	}

	PhoneNumberUtil *u = PhoneNumberUtil::GetInstance();
	u->SetLogger(new i18n::phonenumbers::NullLogger());

	PhoneMetadataCollection coll;
	if (!coll.ParseFromArray(i18n::phonenumbers::metadata_get(), i18n::phonenumbers::metadata_size())) {
		fprintf(stderr, "gen-e164-metadata: cannot parse libphonenumber's metadata\n");
		return 1;
	}

	Table t;
	t.source = source;
	if (!BuildTable(*u, coll, &t))
		return 1;
	fprintf(stderr, "gen-e164-metadata: %zu calling codes, %zu regions (%zu geographic)\n", t.countries.size(),
	        t.regions.size(), t.region_index.size());
	int length_mismatches = CheckLengths(*u, t);
	SelfCheck(*u, t);

	if (!table_path.empty() && !WriteTable(t, table_path))
		return 1;
	if (!fixture_path.empty()) {
		FixtureBuilder fb(*u, t);
		fb.Build();
		fb.Summary();
		if (fb.unexplained() > 0)
			fprintf(stderr, "gen-e164-metadata: warning: %d rows differ for no known reason (marked comparable=0, "
			                "note \"unexplained\")\n", fb.unexplained());
		if (!fb.Write(fixture_path))
			return 1;
	}
	return length_mismatches == 0 ? 0 : 1;
}
