// The lower layer of the fixture.
#include "http/server.h"
