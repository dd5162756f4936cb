#!/usr/bin/env python3
"""A Voronoi fabric of clustered points clipped to an irregular outline (UTM 42N, 160 cells,
123 m2 to 145 acres), then quirks: the largest cell gets a hole holding an island parcel, a
1 m2 plot sits in a hole of another, one parcel is a MultiPolygon of two cells apart, and a
1,000-acre square lies apart to the east. Writes q.geojson (each parcel its own zone), qnz.geojson
(no zones) and qc.geojson (no zones, without the far square: one piece), in lon/lat by pyproj,
and ref2.json (each parcel's area by pyproj.Geod, m2).
Usage: make_island_fabric.py [SEED] in the output folder (qa6 used seed 1: island Q159 in Q139)."""
import json, math, random, sys
import numpy as np
from shapely.geometry import Polygon, MultiPolygon, Point, MultiPoint, box, mapping, shape
from shapely.ops import voronoi_diagram, unary_union, transform
from shapely import set_precision
import pyproj
rng = random.Random(int(sys.argv[1]) if len(sys.argv)>1 else 1)
E0, N0 = 335000.0, 2748000.0
# irregular boundary
pts=[]
for k in range(40):
    a=2*math.pi*k/40; r=1500+rng.uniform(-300,300)
    pts.append((E0+r*math.cos(a)*1.3, N0+r*math.sin(a)))
bnd=Polygon(pts)
seeds=[]
for c in range(6):
    cx,cy=E0+rng.uniform(-1200,1200),N0+rng.uniform(-900,900); s=rng.choice([30,80,200])
    for i in range(rng.randint(5,40)): seeds.append((cx+rng.gauss(0,s),cy+rng.gauss(0,s)))
for i in range(30): seeds.append((E0+rng.uniform(-2000,2000),N0+rng.uniform(-1700,1700)))
vor=voronoi_diagram(MultiPoint(seeds), envelope=bnd.buffer(500))
cells=[g.intersection(bnd) for g in vor.geoms]
cells=[c for c in cells if not c.is_empty and c.area>1]
# round coordinates to mm
cells=[set_precision(c,0.001) for c in cells]
cells=[c for c in cells if c.geom_type=='Polygon' and c.area>1]
from shapely import wkt
cells = [wkt.loads(c.wkt) for c in cells]  # as written and read back (the run qa6 used)
from shapely.geometry import MultiPolygon
from shapely.ops import transform
import pyproj
big=max(range(len(cells)),key=lambda i:cells[i].area)
c=cells[big].centroid
isl=Polygon([(c.x-100,c.y-80),(c.x+120,c.y-90),(c.x+110,c.y+100),(c.x-90,c.y+95)])
assert cells[big].contains(isl)
cells[big]=cells[big].difference(isl)
cells.append(isl)
# 1 m2 plot cut out of a corner of cell 0? make it a separate plot inside a hole of cell 1
c1=cells[1].representative_point()
tiny=box(c1.x,c1.y,c1.x+1,c1.y+1)
cells[1]=cells[1].difference(tiny); cells.append(tiny)
# MultiPolygon: merge cell 2 and a non-touching cell
far=[i for i in range(3,len(cells)-2) if cells[i].distance(cells[2])>200][0]
mp=MultiPolygon([cells[2],cells[far]])
cells[2]=mp; del cells[far]
# 1000-acre plot outside the boundary to the east, adjacent? keep separate
minx,miny,maxx,maxy=MultiPolygon([g for c in cells for g in (c.geoms if hasattr(c,'geoms') else [c])]).bounds
side=(1000*4046.8564224)**0.5
cells.append(box(maxx+10,miny,maxx+10+side,miny+side))
t=pyproj.Transformer.from_crs(32642,4326,always_xy=True)
geod=pyproj.Geod(ellps="WGS84")
ref={};feats=[]
for i,g in enumerate(cells):
    pid=f"Q{i:03d}"
    ll=transform(t.transform,g); ref[pid]=abs(geod.geometry_area_perimeter(ll)[0])
    feats.append({"type":"Feature","properties":{"id":pid,"zone":pid},"geometry":mapping(ll)})
json.dump(ref,open('ref2.json','w'))
json.dump({"type":"FeatureCollection","features":feats},open('q.geojson','w'))
for f in feats:
    del f["properties"]["zone"]
json.dump({"type": "FeatureCollection", "features": feats}, open("qnz.geojson", "w"))
json.dump({"type": "FeatureCollection", "features": [f for f in feats if f["properties"]["id"] != f"Q{len(cells)-1:03d}"]}, open("qc.geojson", "w"))
