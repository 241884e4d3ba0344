module Backend.ExposeFunctionsToAdmin exposing (addToCount, logReport, noArgument, twoArguments)

import Backend.Main exposing (State)


addToCount : Int -> State -> State
addToCount n state =
    { state | count = state.count + n }


logReport : String -> State -> List String
logReport prefix state =
    List.filter (String.startsWith prefix) state.log


twoArguments : Int -> Int -> State -> State
twoArguments a b state =
    { state | count = a + b }


noArgument : State -> State
noArgument state =
    state
