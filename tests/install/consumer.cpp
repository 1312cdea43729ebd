// A C++ program outside the tree: numbering/numbering.hpp from the installed include
// directory, built with only `pkg-config --cflags --libs numbering` (C++17). Exits 1 and
// says why when the wrapper does not hold what its header promises.
#include <cstdlib>
#include <iostream>
#include <string>
#include <type_traits>
#include <utility>

#include <numbering/numbering.hpp>

// Handles have one owner: movable, never copyable.
static_assert(!std::is_copy_constructible<numbering::Store>::value, "Store copyable");
static_assert(std::is_nothrow_move_constructible<numbering::Instance>::value, "Instance not movable");
static_assert(!std::is_copy_assignable<numbering::Resolution>::value, "Resolution copyable");
static_assert(std::is_base_of<std::runtime_error, numbering::Error>::value, "Error not a runtime_error");

static int failures = 0;

static void expect(bool ok, const std::string &what)
{
	if (!ok) {
		std::cout << "FAIL " << what << "\n";
		failures++;
	}
}

int main()
{
	numbering::Store store("AU");
	numbering::Instance desk;
	desk.set_phone_number("02 5550 1000").add_call_handler("sip:desk@pbx.example.com");
	numbering::Instance made = store.create("projects/demo", desk, "desk");
	numbering::Instance moved = std::move(made);
	expect(moved.name() == "projects/demo/phoneNumberInstances/desk", "create: " + moved.name());

	numbering::Resolution resolution;
	expect(store.resolve(resolution, "+61255501000"), "resolve of the created number");
	expect(!store.resolve(resolution, "+61255509999"), "resolve of a number nobody owns");

	// A refused call throws with the status, its name, the HTTP status and the violations.
	try {
		numbering::Instance bad;
		bad.set_phone_number("+61255501000");
		store.create("projects/demo", bad, "Not An Id!");
		expect(false, "a bad instance id did not throw");
	} catch (const numbering::Error &e) {
		expect(e.code() == NUMBERING_INVALID_ARGUMENT, "code " + std::to_string(e.code()));
		expect(std::string(e.status()) == "INVALID_ARGUMENT", std::string("status ") + e.status());
		expect(e.http_status() == 400, "http_status " + std::to_string(e.http_status()));
		expect(!e.field_violations().empty(), "no field violations: " + e.message());
		expect(std::string(e.what()).rfind("INVALID_ARGUMENT: ", 0) == 0, std::string("what() ") + e.what());
	}
	try {
		store.get("projects/demo/phoneNumberInstances/nope");
		expect(false, "get of a missing instance did not throw");
	} catch (const numbering::Error &e) {
		expect(e.code() == NUMBERING_NOT_FOUND && e.http_status() == 404,
		       std::string(e.status()) + " HTTP " + std::to_string(e.http_status()));
	}
	std::cout << "C++ consumer of numbering/numbering.hpp " << NUMBERING_VERSION_STRING << " (library "
	          << numbering_version() << "): " << (failures == 0 ? "ok" : "FAILED") << "\n";
	return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
