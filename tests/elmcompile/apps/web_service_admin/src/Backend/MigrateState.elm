module Backend.MigrateState exposing (migrate)

import Backend.Main exposing (State)
import Platform.WebService exposing (Commands)


migrate : Int -> ( State, Commands State )
migrate count =
    ( { count = count, process = Nothing, log = [ "migrated" ] }, [] )
