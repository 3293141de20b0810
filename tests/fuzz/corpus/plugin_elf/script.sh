#!/bin/sh
echo not a plugin
