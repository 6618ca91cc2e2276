"""The AWS emulator the collection is tested against: moto's server plus our extensions."""
