// A C++17 host over numbering/numbering.hpp, the C++ header installed with the library:
// create, list, resolve, lifecycle, split, and the errors a host would catch. Its output
// is compared with expected.out by the test suite, built in the tree and against an
// installed copy (tests/install/test-pkg-config.sh).
#include <cstdlib>
#include <iostream>
#include <string>

#include <numbering/numbering.hpp>

int main()
{
	try {
		numbering::Number parsed = numbering::Number::parse("02 5550 1100", "AU");
		std::cout << "parsed " << parsed.e164() << " +" << parsed.country_code() << " " << parsed.national() << " "
		          << parsed.region() << (parsed.is_possible() ? " possible" : " not possible") << "\n";
		try {
			parsed.assign("+1 800 FLOWERS");
		} catch (const numbering::Error &e) {
			std::cout << "error " << e.status() << ": " << e.message() << "\n";
		}

		numbering::Store store("AU");

		numbering::Instance desk;
		desk.set_phone_number("02 5550 1000").set_display_name("Front desk").add_call_handler(
		    "sip:desk@pbx.example.com");
		numbering::Instance created = store.create("projects/demo", desk, "front-desk");
		std::cout << "created " << created.name() << " " << created.phone_number() << "\n";

		numbering::Instance block;
		block.set_phone_number("+61255501100-99").add_call_handler("sip:sales@pbx.example.com");
		numbering::Instance range = store.create("projects/demo", block, "sales");
		std::cout << "created " << range.name() << " " << range.phone_number() << ".." << range.range_end() << " ("
		          << range.range_size() << " numbers)\n";

		numbering::ListPage page = store.list("projects/demo");
		for (int i = 0; i < page.size(); i++)
			std::cout << "listed " << numbering_instance_name(page[i]) << "\n";

		numbering::Resolution resolution; // reused for every call
		for (const char *dialed : {"+61255501142", "02 5550 1000", "+61255509999"}) {
			if (store.resolve(resolution, dialed)) {
				numbering::Instance owner = numbering::Instance::copy_of(resolution.owner());
				std::cout << "resolved " << dialed << " -> " << owner.name() << " " << owner.lifecycle_state_name()
				          << " " << owner.call_handlers().at(0) << "\n";
			} else {
				std::cout << "resolved " << dialed << " -> not ours\n";
			}
		}

		store.suspend("projects/demo/phoneNumberInstances/sales");
		std::cout << "suspended: " << store.get("projects/demo/phoneNumberInstances/sales").lifecycle_state_name()
		          << "\n";
		numbering::Instance cached; // reused for every get_into
		for (const char *id : {"sales", "front-desk", "nope"}) {
			if (store.get_into(cached, std::string("projects/demo/phoneNumberInstances/") + id))
				std::cout << "got " << id << ": " << cached.lifecycle_state_name() << "\n";
			else
				std::cout << "got " << id << ": no such instance\n";
		}
		std::cout << "resumed: " << store.resume("projects/demo/phoneNumberInstances/sales").lifecycle_state_name()
		          << "\n";
		auto halves = store.split_range("projects/demo/phoneNumberInstances/sales", 20);
		std::cout << "split: " << halves.first.range_size() << " + " << halves.second.range_size() << "\n";

		// Errors arrive as exceptions carrying the code and the field violations.
		try {
			numbering::Instance overlap;
			overlap.set_phone_number("+61255501110");
			store.create("projects/demo", overlap, "overlap");
		} catch (const numbering::Error &e) {
			std::cout << "error " << e.status() << " (" << e.code() << ", HTTP " << e.http_status()
			          << "): " << e.message() << "\n";
			for (const auto &v : e.field_violations())
				std::cout << "  " << v.field << ": " << v.description << "\n";
		}
		try {
			numbering::Instance bad;
			bad.set_display_name(std::string(101, 'x'));
		} catch (const numbering::Error &e) {
			std::cout << "error " << e.status() << ": " << e.field_violations().size() << " violation(s), "
			          << e.field_violations().at(0).field << "\n";
		}
		try {
			store.activate("projects/demo/phoneNumberInstances/front-desk");
		} catch (const numbering::Error &e) {
			std::cout << "error " << e.status() << ": " << e.message() << "\n";
		}
		std::string json = store.call_json("ResolvePhoneNumber", R"({"phoneNumber":"+61255501000"})");
		std::cout << "json: " << json.substr(0, json.find(',')) << ",...}\n";
		try {
			store.call_json("GetPhoneNumberInstance", R"({"name":"projects/demo/phoneNumberInstances/nope"})");
		} catch (const numbering::Error &e) {
			std::cout << "error " << e.status() << ": " << e.message() << "\n";
		}
		// A text holding a NUL is refused, not cut short at it: the caller
		// "user:ops\0mallory" is not user:ops, nor the name below front-desk's.
		using namespace std::string_literals;
		for (const std::string &name : {"projects/demo/phoneNumberInstances/front-desk\0x"s,
		                                "projects/demo/phoneNumberInstances/nope"s}) {
			try {
				store.get(name);
			} catch (const numbering::Error &e) {
				std::cout << "error " << e.status() << ": " << e.message() << " ["
				          << e.field_violations().at(0).field << "]\n";
			}
		}
		try {
			store.set_caller("user:ops\0mallory"s);
		} catch (const numbering::Error &e) {
			std::cout << "error " << e.status() << ": " << e.message() << "\n";
		}
		try {
			store.call_json("GetPhoneNumberInstance\0Delete"s, R"({"name":"projects/demo/phoneNumberInstances/sales"})");
		} catch (const numbering::Error &e) {
			std::cout << "error " << e.status() << ": " << e.message() << "\n";
		}
	} catch (const std::exception &e) {
		std::cerr << "cpp-example: " << e.what() << "\n";
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
