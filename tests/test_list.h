/* Every unit test, one TEST(name) line each; each module has its own list
 * file so modules can grow their tests independently. */
#include "list_value.h"
#include "list_loader.h"
#include "list_runtime.h"
#include "list_trace.h"
#include "list_trace_store.h"
