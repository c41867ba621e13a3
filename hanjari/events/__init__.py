"""Events (행사): workshops, fairs, trainings, meetings and purchase consultations, with
programme, registration, booths and check-in."""
