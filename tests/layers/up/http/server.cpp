// An http/ file reaching up into plugins/: the layer check must refuse it.
#include "plugins/loader.h"
