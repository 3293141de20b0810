// Nothing but its own layer: the layer check must accept it.
#include "http/message.h"
