// A higher layer including a lower one: allowed.
#include "http/server.h"
