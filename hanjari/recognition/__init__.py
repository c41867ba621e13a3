"""Recognition (포상·감사·기부): commendations, plaques of appreciation and donations."""
